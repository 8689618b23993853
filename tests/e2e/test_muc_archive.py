"""XEP-0313 archives of MUC rooms end to end, with slixmpp's xep_0045 and xep_0313: three
occupants exchange messages, a late joiner pages the room's archive forward and backward, the
stanza-id every occupant got is the archive's id, real JIDs reach only those allowed to see them,
a members-only room refuses a non-member's query, and a destroyed room's archive is gone."""

import unittest

from slixmpp.exceptions import IqError

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.testcase import ServerTestCase
from test_muc import MUC_ON, MucCase

NS_MAM = "urn:xmpp:mam:2"
NS_SID = "urn:xmpp:sid:0"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
PLUGINS = DEFAULT_PLUGINS + ("xep_0004", "xep_0045", "xep_0059", "xep_0297", "xep_0313")


def complete(iq) -> bool:
    # slixmpp's Fin stanza has no 'complete' interface: read the attribute.
    return iq.xml.find(f"{{{NS_MAM}}}fin").get("complete") == "true"


def bodies(iq) -> list[str]:
    return [m["mam_result"]["forwarded"]["stanza"]["body"] for m in iq["mam"]["results"]]


class RoomArchive(MucCase, ServerTestCase):
    server_options = MUC_ON

    async def occupant(self, name: str):
        jid, password = self.user(name)
        return await self.login(f"{jid}/muc", password, plugins=PLUGINS)

    async def conversation(self, room: str, count: int):
        """alice (owner), bob and carol take turns in `room`; returns the bodies in order and
        the stanza-id each message carried, as every occupant got it."""
        alice, bob, carol = [await self.occupant(n) for n in ("alice", "bob", "carol")]
        await self.create_room(alice, room, "alice")
        await self.join(bob, room, "bob")
        await self.join(carol, room, "carol")
        speakers = ((alice, "alice"), (bob, "bob"), (carol, "carol"))
        sent, ids = [], []
        for i in range(count):
            sender, nick = speakers[i % 3]
            body = f"message {i} from {nick}"
            sender.send_message(mto=room, mbody=body, mtype="groupchat")
            seen = set()
            for receiver in (alice, bob, carol):
                msg = await self.groupchat_from(receiver, room, nick, body)
                sid = msg.xml.find(f"{{{NS_SID}}}stanza-id")
                self.assertIsNotNone(sid, f"no stanza-id on {msg}")
                self.assertEqual(sid.get("by"), room)
                seen.add(sid.get("id"))
            self.assertEqual(len(seen), 1, "occupants got different stanza-ids")
            sent.append(body)
            ids.append(seen.pop())
        return (alice, bob, carol), sent, ids

    async def page(self, client, room: str, **rsm):
        return await client.plugin["xep_0313"].retrieve(jid=room, rsm=rsm, timeout=TIMEOUT)

    async def test_late_joiner_pages_the_room_archive_both_ways(self):
        room = f"archived@{self.service}"
        _occupants, sent, ids = await self.conversation(room, 12)
        dave = await self.occupant("dave")
        info = await dave.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=room)
        features = {f.get("var") for f in info.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertTrue({NS_MAM, NS_SID} <= features, features)
        await self.join(dave, room, "dave")

        forward, after, pages = [], None, 0
        while True:
            iq = await self.page(dave, room, max=5, **({"after": after} if after else {}))
            self.assertEqual(iq["mam_fin"]["rsm"]["count"], "12")
            forward += [(m["mam_result"]["id"], m["mam_result"]["forwarded"]["stanza"]["body"])
                        for m in iq["mam"]["results"]]
            pages += 1
            after = iq["mam_fin"]["rsm"]["last"]
            if complete(iq):
                break
            self.assertLess(pages, 5, "paging forward never completed")
        self.assertEqual(pages, 3)
        self.assertEqual([body for _id, body in forward], sent)
        # The archive's ids are the stanza-ids the occupants got.
        self.assertEqual([i for i, _body in forward], ids)

        backward = [m["mam_result"]["forwarded"]["stanza"]["body"]
                    async for m in dave.plugin["xep_0313"].iterate(
                        jid=room, reverse=True, rsm={"max": 5})]
        self.assertEqual(backward, list(reversed(sent)))

        # Results come from the room, the originals from the occupants' room JIDs; the room is
        # semi-anonymous and dave no moderator: no real JID in them.
        iq = await self.page(dave, room, max=3)
        for result in iq["mam"]["results"]:
            self.assertEqual(str(result["from"]), room)
            original = result["mam_result"]["forwarded"]["stanza"]
            self.assertTrue(str(original["from"]).startswith(f"{room}/"))
            self.assertIsNone(original.xml.find(f"{{{NS_MUC_USER}}}x"))

    async def test_with_filters_by_nickname_and_real_jids_stay_with_moderators(self):
        room = f"filtered@{self.service}"
        (alice, bob, _carol), sent, _ids = await self.conversation(room, 6)
        bob_jid = str(bob.boundjid.bare)
        dave = await self.occupant("dave")
        iq = await dave.plugin["xep_0313"].retrieve(jid=room, with_jid=f"{room}/bob",
                                                    timeout=TIMEOUT)
        self.assertEqual(bodies(iq), [b for b in sent if b.endswith("from bob")])
        with self.assertRaises(IqError) as caught:
            await dave.plugin["xep_0313"].retrieve(jid=room, with_jid=bob_jid, timeout=TIMEOUT)
        self.assertEqual(caught.exception.condition, "forbidden")
        # The owner may see who wrote what.
        iq = await alice.plugin["xep_0313"].retrieve(jid=room, with_jid=bob_jid, timeout=TIMEOUT)
        self.assertEqual(bodies(iq), [b for b in sent if b.endswith("from bob")])
        item = iq["mam"]["results"][0]["mam_result"]["forwarded"]["stanza"].xml.find(
            f"{{{NS_MUC_USER}}}x/{{{NS_MUC_USER}}}item")
        self.assertEqual(item.get("jid"), bob_jid)

    async def test_members_only_room_refuses_a_non_member(self):
        room = f"private@{self.service}"
        (alice, bob, _carol), sent, _ids = await self.conversation(room, 3)
        form = alice.plugin["xep_0004"].make_form(ftype="submit")
        form.add_field(var="muc#roomconfig_membersonly", value=True)
        await alice.plugin["xep_0045"].set_affiliation(room, "member", jid=bob.boundjid.bare,
                                                       timeout=TIMEOUT)
        await alice.plugin["xep_0045"].set_room_config(room, form, timeout=TIMEOUT)
        dave = await self.occupant("dave")
        with self.assertRaises(IqError) as caught:
            await self.page(dave, room, max=10)
        self.assertEqual(caught.exception.condition, "forbidden")
        self.assertEqual(bodies(await self.page(bob, room, max=10)), sent)

    async def test_destroyed_room_takes_its_archive(self):
        room = f"doomed@{self.service}"
        (alice, *_rest), _sent, _ids = await self.conversation(room, 2)
        await alice.plugin["xep_0045"].destroy(room, reason="done", timeout=TIMEOUT)
        await self.create_room(alice, room, "alice")
        iq = await self.page(alice, room, max=10)
        self.assertEqual(bodies(iq), [])
        self.assertEqual(iq["mam_fin"]["rsm"]["count"], "0")


if __name__ == "__main__":
    unittest.main()
