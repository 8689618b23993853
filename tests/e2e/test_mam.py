"""XEP-0313 message archive end to end with slixmpp's xep_0313: two users exchange 32 messages
and page through them forward and backward with RSM, filter by 'with', the stanza-id on a
delivered message is the archive's id, a message stored offline is in the archive, and
preferences 'never' stop archiving."""

import asyncio
import unittest

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.testcase import ServerTestCase

NS_MAM = "urn:xmpp:mam:2"
NS_SID = "urn:xmpp:sid:0"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
PLUGINS = DEFAULT_PLUGINS + ("xep_0059", "xep_0297", "xep_0313")


def complete(iq) -> bool:
    # slixmpp's Fin stanza has no 'complete' interface: read the attribute.
    return iq.xml.find(f"{{{NS_MAM}}}fin").get("complete") == "true"


def bodies(iq) -> list[str]:
    return [m["mam_result"]["forwarded"]["stanza"]["body"] for m in iq["mam"]["results"]]


class Archive(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        alice, alice_pw = self.user("alice")
        bob, bob_pw = self.user("bob")
        self.alice_jid, self.bob_jid = alice, bob
        self.alice = await self.login(f"{alice}/desk", alice_pw, plugins=PLUGINS)
        self.bob = await self.login(f"{bob}/phone", bob_pw, plugins=PLUGINS)

    async def exchange(self, count: int) -> list[str]:
        """Alice and Bob take turns, each message delivered before the next; returns the bodies
        in the order sent."""
        sent = []
        for i in range(count):
            sender, receiver, to = ((self.alice, self.bob, self.bob_jid) if i % 2 == 0
                                    else (self.bob, self.alice, self.alice_jid))
            body = f"message {i}"
            sender.send_message(mto=to, mbody=body, mtype="chat")
            await receiver.expect_message(body=body)
            sent.append(body)
        return sent

    async def page(self, client, **rsm):
        return await client.plugin["xep_0313"].retrieve(rsm=rsm, timeout=TIMEOUT)

    async def test_account_advertises_the_archive(self):
        info = await self.alice.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.alice_jid)
        features = {f.get("var") for f in info.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertIn(NS_MAM, features)
        self.assertIn(NS_SID, features)

    async def test_paging_forward_and_backward(self):
        sent = await self.exchange(32)

        forward, after, pages = [], None, 0
        while True:
            rsm = {"max": 10, **({"after": after} if after else {})}
            iq = await self.page(self.alice, **rsm)
            forward += bodies(iq)
            pages += 1
            self.assertEqual(iq["mam_fin"]["rsm"]["count"], "32")
            after = iq["mam_fin"]["rsm"]["last"]
            if complete(iq):
                break
            self.assertLess(pages, 10, "paging forward never completed")
        self.assertEqual(forward, sent)
        self.assertEqual(pages, 4)

        # Backward: slixmpp starts with an empty <before/> (the last page), then <before>first.
        backward = [m["mam_result"]["forwarded"]["stanza"]["body"]
                    async for m in self.alice.plugin["xep_0313"].iterate(
                        reverse=True, rsm={"max": 10})]
        self.assertEqual(backward, list(reversed(sent)))

        # <before>id</before>: the page that ends just before that message (Bob's archive).
        sixth = (await self.page(self.bob, max=6))["mam_fin"]["rsm"]["last"]
        earlier = await self.page(self.bob, max=5, before=sixth)
        self.assertEqual(bodies(earlier), sent[0:5])
        self.assertTrue(complete(earlier))

    async def test_filter_by_with(self):
        carol, carol_pw = self.user("carol")
        carol_client = await self.login(f"{carol}/tablet", carol_pw, plugins=PLUGINS)
        await self.exchange(4)
        carol_client.send_message(mto=self.alice_jid, mbody="from carol", mtype="chat")
        await self.alice.expect_message(body="from carol")
        iq = await self.alice.plugin["xep_0313"].retrieve(with_jid=carol, timeout=TIMEOUT)
        self.assertEqual(bodies(iq), ["from carol"])
        iq = await self.alice.plugin["xep_0313"].retrieve(with_jid=self.bob_jid, timeout=TIMEOUT)
        self.assertEqual(len(bodies(iq)), 4)

    async def test_stanza_id_on_delivered_message_is_the_archive_id(self):
        self.alice.send_message(mto=self.bob_jid, mbody="find me later", mtype="chat")
        msg = await self.bob.expect_message(body="find me later")
        sid = msg.xml.find(f"{{{NS_SID}}}stanza-id")
        self.assertIsNotNone(sid, f"no stanza-id on {msg}")
        self.assertEqual(sid.get("by"), self.bob_jid)
        iq = await self.page(self.bob, max=5)
        self.assertEqual(bodies(iq), ["find me later"])
        self.assertEqual(iq["mam"]["results"][0]["mam_result"]["id"], sid.get("id"))

    async def test_offline_message_is_in_the_archive(self):
        dave, dave_pw = self.user("dave")  # never logged in yet: messages for him go offline
        self.alice.send_message(mto=dave, mbody="while you slept", mtype="chat")
        await self.alice.sync()
        # A MAM client pages the archive: the offline message is there, before any presence.
        bob = await self.client(f"{dave}/laptop", dave_pw, plugins=PLUGINS).login(presence=False)
        iq = await bob.plugin["xep_0313"].retrieve(rsm={"max": 10}, timeout=TIMEOUT)
        self.assertEqual(bodies(iq), ["while you slept"])
        archive_id = iq["mam"]["results"][0]["mam_result"]["id"]
        # ... and when it comes online, the offline copy carries the same id.
        bob.send_presence()
        msg = await bob.expect_message(body="while you slept")
        sid = msg.xml.find(f"{{{NS_SID}}}stanza-id")
        self.assertIsNotNone(sid)
        self.assertEqual(sid.get("id"), archive_id)

    async def test_prefs_never_stops_archiving(self):
        prefs = await self.alice.iq(
            "set", f"<prefs xmlns='{NS_MAM}' default='never'><always/><never/></prefs>")
        self.assertEqual(prefs.xml.find(f"{{{NS_MAM}}}prefs").get("default"), "never")
        self.alice.send_message(mto=self.bob_jid, mbody="off the record", mtype="chat")
        await self.bob.expect_message(body="off the record")
        self.assertEqual(bodies(await self.page(self.alice, max=10)), [])
        # Bob's preferences are his own: his archive keeps it.
        self.assertEqual(bodies(await self.page(self.bob, max=10)), ["off the record"])

    async def test_unknown_id_is_item_not_found(self):
        from slixmpp.exceptions import IqError
        with self.assertRaises(IqError) as caught:
            await self.page(self.alice, max=10, after="00000000000000000000")
        self.assertEqual(caught.exception.iq["error"]["condition"], "item-not-found")


if __name__ == "__main__":
    unittest.main()
