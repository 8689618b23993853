"""XEP-0045 multi-user chat and XEP-0410 self-ping end to end, with slixmpp's xep_0045 as the
client: three occupants exchanging groupchat messages, a kick everyone sees, a members-only room
that refuses until the owner adds the member, a password room, history on join with <delay/>,
self-ping while joined and after leaving, service discovery, and a persistent room (its
configuration and affiliations) surviving a server restart."""

import unittest

from slixmpp.exceptions import IqError, PresenceError

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.testcase import PerTestServerCase, ServerTestCase

NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_PING = "urn:xmpp:ping"
PLUGINS = DEFAULT_PLUGINS + ("xep_0004", "xep_0045")
MUC_ON = {"keyfed_config": {"muc": {"enabled": True}}}


class MucCase:
    """Helpers shared by both test classes (mixed into a test case)."""

    @property
    def service(self) -> str:
        return f"conference.{self.domain}"

    async def occupant(self, name: str):
        jid, password = self.user(name)
        return await self.login(f"{jid}/muc", password, plugins=PLUGINS)

    async def create_room(self, owner, room: str, nick: str, **options) -> None:
        """Joins (creating the room, status 201) and submits the configuration form:
        `options` become muc#roomconfig_<name> fields (none: the instant room)."""
        pres, _subject, _occupants, _history = await owner.plugin["xep_0045"].join_muc_wait(
            room, nick, timeout=TIMEOUT)
        self.assertIn(201, pres["muc"]["status_codes"])
        self.assertEqual(pres["muc"]["affiliation"], "owner")
        form = owner.plugin["xep_0004"].make_form(ftype="submit")
        for name, value in options.items():
            form.add_field(var=f"muc#roomconfig_{name}", value=value)
        await owner.plugin["xep_0045"].set_room_config(room, form, timeout=TIMEOUT)

    async def join(self, client, room: str, nick: str, **options):
        return await client.plugin["xep_0045"].join_muc_wait(room, nick, timeout=TIMEOUT,
                                                             **options)

    async def join_error(self, client, room: str, nick: str, **options) -> str:
        with self.assertRaises(PresenceError) as caught:
            await self.join(client, room, nick, **options)
        return caught.exception.condition

    async def groupchat_from(self, client, room: str, nick: str, body: str):
        return await client.expect_message(sender=f"{room}/{nick}", body=body, mtype="groupchat")


class MucRooms(MucCase, ServerTestCase):
    server_options = MUC_ON

    async def test_three_occupants_exchange_groupchat_messages(self):
        room = f"lounge@{self.service}"
        alice, bob, carol = [await self.occupant(n) for n in ("alice", "bob", "carol")]
        await self.create_room(alice, room, "alice")
        _pres, _subject, occupants, _history = await self.join(bob, room, "bob")
        self.assertIn(f"{room}/alice", [str(p["from"]) for p in occupants])
        await self.join(carol, room, "carol")
        for sender, nick in ((alice, "alice"), (bob, "bob"), (carol, "carol")):
            sender.send_message(mto=room, mbody=f"hi from {nick}", mtype="groupchat")
            for receiver in (alice, bob, carol):
                await self.groupchat_from(receiver, room, nick, f"hi from {nick}")

    async def test_kick_is_seen_by_every_occupant(self):
        room = f"kick@{self.service}"
        alice, bob, carol = [await self.occupant(n) for n in ("alice", "bob", "carol")]
        await self.create_room(alice, room, "alice")
        await self.join(bob, room, "bob")
        await self.join(carol, room, "carol")
        # A participant may not kick.
        with self.assertRaises(IqError) as caught:
            await bob.plugin["xep_0045"].set_role(room, "carol", "none", timeout=TIMEOUT)
        self.assertEqual(caught.exception.condition, "forbidden")
        await alice.plugin["xep_0045"].set_role(room, "carol", "none", reason="off topic",
                                                timeout=TIMEOUT)

        def kicked(p) -> bool:
            return str(p["from"]) == f"{room}/carol" and p["type"] == "unavailable" and \
                307 in p["muc"]["status_codes"]
        own = await carol.wait_event("groupchat_presence", predicate=kicked)
        self.assertIn(110, own["muc"]["status_codes"])
        for witness in (alice, bob):
            await witness.wait_event("groupchat_presence", predicate=kicked)
        # Out of the room: its messages are refused.
        carol.send_message(mto=room, mbody="still here?", mtype="groupchat")
        error = await carol.wait_event("message_error")
        self.assertEqual(error["error"]["condition"], "not-acceptable")

    async def test_members_only_room_refuses_until_the_owner_adds_the_member(self):
        room = f"members@{self.service}"
        alice, bob = [await self.occupant(n) for n in ("alice", "bob")]
        await self.create_room(alice, room, "alice", membersonly=True)
        self.assertEqual(await self.join_error(bob, room, "bob"), "registration-required")
        await alice.plugin["xep_0045"].set_affiliation(room, "member", jid=bob.boundjid.bare,
                                                       timeout=TIMEOUT)
        members = await alice.plugin["xep_0045"].get_affiliation_list(room, "member",
                                                                      timeout=TIMEOUT)
        self.assertEqual([str(j) for j in members], [str(bob.boundjid.bare)])
        pres, *_ = await self.join(bob, room, "bob")
        self.assertEqual(pres["muc"]["affiliation"], "member")

    async def test_password_protected_room(self):
        room = f"secret@{self.service}"
        alice, bob = [await self.occupant(n) for n in ("alice", "bob")]
        await self.create_room(alice, room, "alice", passwordprotectedroom=True,
                               roomsecret="open sesame")
        self.assertEqual(await self.join_error(bob, room, "bob"), "not-authorized")
        self.assertEqual(await self.join_error(bob, room, "bob", password="wrong"),
                         "not-authorized")
        pres, *_ = await self.join(bob, room, "bob", password="open sesame")
        self.assertIn(110, pres["muc"]["status_codes"])

    async def test_history_is_delivered_on_join_with_delay(self):
        room = f"history@{self.service}"
        alice, bob = [await self.occupant(n) for n in ("alice", "bob")]
        await self.create_room(alice, room, "alice")
        for body in ("one", "two", "three"):
            alice.send_message(mto=room, mbody=body, mtype="groupchat")
            await self.groupchat_from(alice, room, "alice", body)
        _pres, _subject, _occupants, history = await self.join(bob, room, "bob", maxstanzas=2)
        self.assertEqual([m["body"] for m in history], ["two", "three"])
        for message in history:
            self.assertEqual(str(message["from"]), f"{room}/alice")
            self.assertEqual(str(message["delay"]["from"]), room)

    async def test_self_ping_while_joined_and_after_leaving(self):
        room = f"ping@{self.service}"
        alice, bob = [await self.occupant(n) for n in ("alice", "bob")]
        await self.create_room(alice, room, "alice")
        await self.join(bob, room, "bob")
        await bob.iq("get", f"<ping xmlns='{NS_PING}'/>", to=f"{room}/bob")
        bob.plugin["xep_0045"].leave_muc(room, "bob")
        await alice.wait_event("groupchat_presence",
                               predicate=lambda p: str(p["from"]) == f"{room}/bob"
                               and p["type"] == "unavailable")
        with self.assertRaises(IqError) as caught:
            await bob.iq("get", f"<ping xmlns='{NS_PING}'/>", to=f"{room}/bob")
        self.assertEqual(caught.exception.condition, "not-acceptable")

    async def test_service_discovery(self):
        room = f"public@{self.service}"
        alice = await self.occupant("alice")
        info = await alice.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.service)
        identity = info.xml.find(f".//{{{NS_DISCO_INFO}}}identity")
        self.assertEqual((identity.get("category"), identity.get("type")), ("conference", "text"))
        features = {f.get("var") for f in info.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertIn("http://jabber.org/protocol/muc", features)
        # The server lists its MUC service among its items.
        items = await alice.iq("get", f"<query xmlns='{NS_DISCO_ITEMS}'/>", to=self.domain)
        self.assertIn(self.service,
                      {i.get("jid") for i in items.xml.iter(f"{{{NS_DISCO_ITEMS}}}item")})
        await self.create_room(alice, room, "alice", roomname="Public Room")
        items = await alice.iq("get", f"<query xmlns='{NS_DISCO_ITEMS}'/>", to=self.service)
        self.assertIn(room, {i.get("jid") for i in items.xml.iter(f"{{{NS_DISCO_ITEMS}}}item")})
        info = await alice.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=room)
        features = {f.get("var") for f in info.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertTrue({"muc_public", "muc_temporary", "muc_open"} <= features, features)


class PersistentRooms(MucCase, PerTestServerCase):
    async def test_persistent_room_survives_a_restart(self):
        self.start_server(**MUC_ON)
        room = f"archive@{self.service}"
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        carol_jid, carol_pw = self.user("carol")
        alice = await self.login(f"{alice_jid}/muc", alice_pw, plugins=PLUGINS)
        await self.create_room(alice, room, "alice", persistentroom=True, membersonly=True,
                               roomname="Archive")
        await alice.plugin["xep_0045"].set_affiliation(room, "member", jid=bob_jid,
                                                       timeout=TIMEOUT)
        await self.close_connections()
        self.server.restart()

        bob = await self.login(f"{bob_jid}/muc", bob_pw, plugins=PLUGINS)
        info = await bob.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=room)
        identity = info.xml.find(f".//{{{NS_DISCO_INFO}}}identity")
        self.assertEqual(identity.get("name"), "Archive")
        features = {f.get("var") for f in info.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertTrue({"muc_persistent", "muc_membersonly"} <= features, features)
        pres, *_ = await self.join(bob, room, "bob")
        self.assertEqual(pres["muc"]["affiliation"], "member")
        carol = await self.login(f"{carol_jid}/muc", carol_pw, plugins=PLUGINS)
        self.assertEqual(await self.join_error(carol, room, "carol"), "registration-required")
        alice = await self.login(f"{alice_jid}/muc", alice_pw, plugins=PLUGINS)
        pres, *_ = await self.join(alice, room, "alice")
        self.assertEqual(pres["muc"]["affiliation"], "owner")
        self.assertNotIn(201, pres["muc"]["status_codes"])


if __name__ == "__main__":
    unittest.main()
