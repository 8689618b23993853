"""Rooms over federation: a.test (127.0.0.1) serves conference.a.test, b.test (127.0.0.2) is
another keyfed whose user bob joins a.test's rooms over s2s. Certificates come from the test
CA (a.test's names *.a.test, so conference.a.test proves itself with it); static routes
replace DNS, conference.a.test included. Bob joins and exchanges groupchat messages with a
local occupant, is kicked, is refused by a members-only room, is invited through a room, and is
removed (status 333) once his server is gone instead of staying as a ghost (docs/muc.md, "Occupants from other
servers"). Then a user of a real Prosody (Debian's 0.12, s2s_secure_auth with the test CA: it
checks that a.test's certificate names conference.a.test) joins a keyfed room."""

from __future__ import annotations

import asyncio
import unittest

from slixmpp.exceptions import PresenceError

from harness.clients import DEFAULT_PLUGINS, TIMEOUT, Client, quiet_slixmpp
from harness.federation import s2s_section, wait_for_log
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports
from harness.prosody_server import ProsodyServer, prosody_available
from harness.test_ca import shared_ca

A_HOST, B_HOST = "127.0.0.1", "127.0.0.2"
PLUGINS = DEFAULT_PLUGINS + ("xep_0004", "xep_0045")
SERVICE = "conference.a.test"


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
class RoomsOverFederation(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        quiet_slixmpp()
        self.servers: list[KeyfedServer] = []
        self.clients: list[Client] = []
        (port_a,), (port_b,) = free_ports(1, A_HOST), free_ports(1, B_HOST)
        # b.test reaches conference.a.test at a.test's s2s port, as an SRV record would say.
        self.a = self.server("a.test", A_HOST, port_a, {"b.test": (B_HOST, port_b)},
                             {"alice@a.test": "pw-alice", "carol@a.test": "pw-carol"},
                             muc=True)
        self.b = self.server("b.test", B_HOST, port_b,
                             {"a.test": (A_HOST, port_a), SERVICE: (A_HOST, port_a)},
                             {"bob@b.test": "pw-bob"})

    def server(self, domain: str, host: str, port: int, routes: dict, users: dict, *,
               muc: bool = False) -> KeyfedServer:
        config = {"s2s": s2s_section(level="trusted", routes=routes)}
        if muc:
            config["muc"] = {"enabled": True}
        server = KeyfedServer((domain,), host=host, listeners=("c2s", "s2s"),
                              ports={"s2s": port}, users=users, config=config)
        self.servers.append(server)
        self.addCleanup(server.cleanup)
        server.start()
        return server

    async def asyncTearDown(self) -> None:
        for client in self.clients:
            await client.close()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in getattr(self, "servers", []):
                server.dump_log(lines=150)
        return outcome

    async def login(self, server: KeyfedServer, jid: str, password: str) -> Client:
        client = Client(f"{jid}/muc", password, address=(server.host, server.c2s_port),
                        ca_file=server.ca_file, plugins=PLUGINS)
        self.clients.append(client)
        return await client.login()

    async def room_of_alice(self, room: str, **options) -> Client:
        """alice creates `room` on a.test and configures it (options: muc#roomconfig_*)."""
        alice = await self.login(self.a, "alice@a.test", "pw-alice")
        pres, *_ = await alice.plugin["xep_0045"].join_muc_wait(room, "alice", timeout=TIMEOUT)
        self.assertIn(201, pres["muc"]["status_codes"])
        form = alice.plugin["xep_0004"].make_form(ftype="submit")
        for name, value in options.items():
            form.add_field(var=f"muc#roomconfig_{name}", value=value)
        await alice.plugin["xep_0045"].set_room_config(room, form, timeout=TIMEOUT)
        return alice

    @staticmethod
    async def occupant_presence(client: Client, occupant: str, ptype: str = "available",
                                timeout: float = TIMEOUT):
        """The next MUC presence of `occupant` (room/nick) of type `ptype`."""
        def match(p) -> bool:
            return str(p["from"]) == occupant and p["type"] == ptype
        return await client.wait_event("groupchat_presence", timeout, match)

    @staticmethod
    async def join(client: Client, room: str, nick: str):
        return await client.plugin["xep_0045"].join_muc_wait(room, nick, timeout=TIMEOUT)

    async def test_a_remote_user_joins_and_talks_with_a_local_occupant(self):
        room = f"lounge@{SERVICE}"
        alice = await self.room_of_alice(room)
        alice.send_message(mto=room, mbody="before bob came", mtype="groupchat")
        await alice.expect_message(sender=f"{room}/alice", body="before bob came")
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        pres, _subject, occupants, history = await self.join(bob, room, "bob")
        self.assertIn(110, pres["muc"]["status_codes"])
        self.assertIn(f"{room}/alice", [str(p["from"]) for p in occupants])
        self.assertEqual([m["body"] for m in history], ["before bob came"])
        # alice (the owner, a moderator) sees bob's real JID, on his own server.
        arrived = await self.occupant_presence(alice, f"{room}/bob")
        self.assertEqual(str(arrived["muc"]["jid"]), str(bob.boundjid))

        bob.send_message(mto=room, mbody="hello from b.test", mtype="groupchat")
        for client in (alice, bob):
            await client.expect_message(sender=f"{room}/bob", body="hello from b.test")
        alice.send_message(mto=room, mbody="welcome, bob", mtype="groupchat")
        await bob.expect_message(sender=f"{room}/alice", body="welcome, bob")
        # A private message through the room, both ways.
        alice.send_message(mto=f"{room}/bob", mbody="psst", mtype="chat")
        await bob.expect_message(sender=f"{room}/alice", body="psst")
        bob.send_message(mto=f"{room}/alice", mbody="psst back", mtype="chat")
        await alice.expect_message(sender=f"{room}/bob", body="psst back")

        # a.test's certificate names *.a.test: no warning about the MUC domain's identity.
        self.assertNotIn("does not name", self.a.log_text())
        # The MUC domain has streams of its own, admitted as a.test's pairs would be.
        line = wait_for_log(self.a, f"allowed inbound {SERVICE} (as a.test) <- b.test ")
        self.assertIn("level=trusted", line)
        wait_for_log(self.a, f"allowed outbound {SERVICE} (as a.test) -> b.test ")

        # bob logs out: b.test sends his unavailable presence to the room he was in.
        await bob.close()
        left = await self.occupant_presence(alice, f"{room}/bob", "unavailable")
        self.assertNotIn(333, left["muc"]["status_codes"])

    async def test_a_remote_occupant_is_kicked(self):
        room = f"kick@{SERVICE}"
        alice = await self.room_of_alice(room)
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        await self.join(bob, room, "bob")
        await alice.plugin["xep_0045"].set_role(room, "bob", "none", reason="off topic",
                                                timeout=TIMEOUT)
        own = await self.occupant_presence(bob, f"{room}/bob", "unavailable")
        self.assertEqual(set(own["muc"]["status_codes"]), {110, 307})
        seen = await self.occupant_presence(alice, f"{room}/bob", "unavailable")
        self.assertEqual(set(seen["muc"]["status_codes"]), {307})
        bob.send_message(mto=room, mbody="still here?", mtype="groupchat")
        error = await bob.wait_event("message_error")
        self.assertEqual(error["error"]["condition"], "not-acceptable")

    async def test_a_members_only_room_refuses_a_remote_non_member(self):
        room = f"members@{SERVICE}"
        alice = await self.room_of_alice(room, membersonly=True)
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        with self.assertRaises(PresenceError) as caught:
            await self.join(bob, room, "bob")
        self.assertEqual(caught.exception.condition, "registration-required")
        await alice.plugin["xep_0045"].set_affiliation(room, "member", jid="bob@b.test",
                                                       timeout=TIMEOUT)
        pres, *_ = await self.join(bob, room, "bob")
        self.assertEqual(pres["muc"]["affiliation"], "member")

    async def test_a_remote_user_may_not_create_rooms(self):
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        with self.assertRaises(PresenceError) as caught:
            await self.join(bob, f"bobs@{SERVICE}", "bob")
        self.assertEqual(caught.exception.condition, "not-allowed")

    async def test_a_mediated_invitation_reaches_a_remote_user(self):
        room = f"invite@{SERVICE}"
        alice = await self.room_of_alice(room, membersonly=True)
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        # slixmpp reports a mediated invitation (a message without a body) only as this event.
        invited = asyncio.get_running_loop().create_future()
        bob.add_event_handler("groupchat_invite",
                              lambda m: invited.done() or invited.set_result(m))
        alice.plugin["xep_0045"].invite(room, "bob@b.test", reason="join us")
        # The room forwards it from its own address, over conference.a.test's stream.
        invitation = await asyncio.wait_for(invited, TIMEOUT)
        self.assertEqual(str(invitation["from"]), room)
        invite = invitation.xml.find("{http://jabber.org/protocol/muc#user}x/"
                                     "{http://jabber.org/protocol/muc#user}invite")
        self.assertIsNotNone(invite)
        self.assertEqual(invite.get("from"), "alice@a.test")
        # An owner's invitation into a members-only room makes bob a member: he may enter.
        pres, *_ = await self.join(bob, room, "bob")
        self.assertEqual(pres["muc"]["affiliation"], "member")

    async def test_an_occupant_whose_server_is_gone_is_removed(self):
        room = f"ghosts@{SERVICE}"
        alice = await self.room_of_alice(room)
        bob = await self.login(self.b, "bob@b.test", "pw-bob")
        await self.join(bob, room, "bob")
        await self.occupant_presence(alice, f"{room}/bob")
        # b.test dies without a word: no unavailable presence reaches the room.
        self.b.kill()
        bob.drop()
        alice.send_message(mto=room, mbody="is bob there?", mtype="groupchat")

        gone = await self.occupant_presence(alice, f"{room}/bob", "unavailable", timeout=20)
        self.assertIn(333, gone["muc"]["status_codes"])
        wait_for_log(self.a, f"bob in {room} is removed: its address answered with "
                             "remote-server-not-found")


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
class HostCertificateWithoutTheMucDomain(unittest.TestCase):
    def test_the_operator_is_warned_at_start(self):
        # A certificate for a.test alone: peers will not count it for conference.a.test.
        narrow = shared_ca().issue("a.test", wildcard=False, client_auth=True)
        server = KeyfedServer(("a.test",), host=A_HOST, listeners=("c2s", "s2s"),
                              certs={"a.test": narrow},
                              config={"s2s": s2s_section(), "muc": {"enabled": True}})
        self.addCleanup(server.cleanup)
        server.start()
        line = wait_for_log(server, f"does not name {SERVICE}")
        self.assertIn("the certificate of a.test", line)


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
@unittest.skipUnless(prosody_available(), "prosody is not installed (make deps installs it)")
class ProsodyUserInAKeyfedRoom(unittest.IsolatedAsyncioTestCase):
    async def test_a_prosody_user_joins_and_talks(self):
        quiet_slixmpp()
        port_k, port_p = free_ports(2, A_HOST)
        keyfed = KeyfedServer(("a.test",), host=A_HOST, listeners=("c2s", "s2s"),
                              ports={"s2s": port_k}, users={"alice@a.test": "pw-alice"},
                              config={"s2s": s2s_section(level="trusted",
                                                         routes={"p.test": (A_HOST, port_p)}),
                                      "muc": {"enabled": True}})
        prosody = ProsodyServer(("p.test",), users={"pete@p.test": "pw-pete"},
                                listeners=("c2s", "s2s"), ports={"s2s": port_p},
                                s2s_routes={"a.test": (A_HOST, port_k),
                                            SERVICE: (A_HOST, port_k)},
                                s2s_secure_auth=True)
        for server in (keyfed, prosody):
            self.addCleanup(server.cleanup)
            server.start()
        try:
            await self.converse(keyfed, prosody)
        except BaseException:
            for server in (keyfed, prosody):
                server.dump_log(lines=120)
            raise

    async def converse(self, keyfed: KeyfedServer, prosody: ProsodyServer) -> None:
        room = f"mixed@{SERVICE}"
        alice = Client("alice@a.test/muc", "pw-alice", address=(keyfed.host, keyfed.c2s_port),
                       ca_file=keyfed.ca_file, plugins=PLUGINS)
        pete = Client("pete@p.test/muc", "pw-pete", address=(prosody.host, prosody.c2s_port),
                      ca_file=prosody.ca_file, plugins=PLUGINS)
        for client in (alice, pete):
            self.addAsyncCleanup(client.close)
            await client.login()
        await alice.plugin["xep_0045"].join_muc_wait(room, "alice", timeout=TIMEOUT)
        await alice.plugin["xep_0045"].set_room_config(
            room, alice.plugin["xep_0004"].make_form(ftype="submit"), timeout=TIMEOUT)
        pres, *_ = await pete.plugin["xep_0045"].join_muc_wait(room, "pete", timeout=20)
        self.assertIn(110, pres["muc"]["status_codes"])
        pete.send_message(mto=room, mbody="hello from prosody", mtype="groupchat")
        for client in (alice, pete):
            await client.expect_message(sender=f"{room}/pete", body="hello from prosody")
        alice.send_message(mto=room, mbody="hello from keyfed", mtype="groupchat")
        await pete.expect_message(sender=f"{room}/alice", body="hello from keyfed")
        # keyfed admitted the MUC domain's pairs with Prosody on certificate evidence.
        line = wait_for_log(keyfed, f"allowed inbound {SERVICE} (as a.test) <- p.test ")
        self.assertIn("level=trusted", line)


if __name__ == "__main__":
    unittest.main()
