"""c2s suite, part 2: instant messaging and presence (RFC 6121, XEP-0160, XEP-0237).
Runs against keyfed by default; E2E_TARGET=prosody validates it."""

import asyncio
import unittest
import xml.etree.ElementTree as ET

from harness.clients import ROSTER_NS, Client, parse_roster
from harness.testcase import ServerTestCase

NS_DELAY = "urn:xmpp:delay"
NS_ROSTERVER = "urn:xmpp:features:rosterver"
NS_PREAPPROVAL = "urn:xmpp:features:pre-approval"


async def roster_push(client: Client, jid: str, **expected) -> dict:
    """Waits for a roster push about ``jid`` whose item has the ``expected`` attributes."""
    def match(iq) -> bool:
        if iq["type"] != "set":
            return False  # a roster result, not a push
        item = parse_roster(iq.xml).get(jid)
        return item is not None and all(item.get(k) == v for k, v in expected.items())
    iq = await client.wait_event("roster_update", predicate=match)
    return parse_roster(iq.xml)[jid]


class Roster(ServerTestCase):
    async def test_roster_set_pushes_to_every_resource_and_get_returns_it(self):
        alice, password = self.user("alice")
        bob, _ = self.user("bob")
        phone = await self.login(f"{alice}/phone", password)
        laptop = await self.login(f"{alice}/laptop", password)
        self.assertEqual(await phone.roster_items(), {})

        await phone.roster_set(bob, name="Bob", groups=("Friends", "Work"))
        for client in (phone, laptop):
            item = await roster_push(client, bob, name="Bob")
            self.assertEqual(item["groups"], ["Friends", "Work"])
            self.assertEqual(item["subscription"], "none")
        roster = await laptop.roster_items()
        self.assertEqual(roster[bob]["name"], "Bob")
        self.assertEqual(roster[bob]["groups"], ["Friends", "Work"])

        await laptop.roster_set(bob, name="Robert", groups=("Work",))
        await roster_push(phone, bob, name="Robert", groups=["Work"])

        await laptop.roster_set(bob, remove=True)
        for client in (phone, laptop):
            await roster_push(client, bob, subscription="remove")
        self.assertEqual(await phone.roster_items(), {})

    async def test_roster_is_kept_across_sessions(self):
        alice, password = self.user("alice")
        bob, _ = self.user("bob")
        first = await self.login(alice, password)
        await first.roster_set(bob, name="Bob")
        await first.close()
        second = await self.login(alice, password)
        self.assertEqual((await second.roster_items())[bob]["name"], "Bob")

    async def test_roster_set_with_two_items_or_for_self_is_refused(self):
        alice, password = self.user("alice")
        client = await self.login(alice, password)
        # RFC 6121 2.3.3: exactly one item per roster set, else <bad-request/>.
        query = (f"<query xmlns='{ROSTER_NS}'><item jid='a@{self.domain}'/>"
                 f"<item jid='b@{self.domain}'/></query>")
        with self.assertRaises(Exception) as failure:
            await client.iq("set", query)
        self.assertEqual(failure.exception.iq["error"]["condition"], "bad-request")

    async def test_roster_versioning(self):
        # XEP-0237 / RFC 6121 2.6: advertised, a version with every result, and nothing to
        # send when the client's version is current.
        alice, password = self.user("alice")
        bob, _ = self.user("bob")
        raw = self.raw()
        raw.login(alice.split("@")[0], password)
        self.assertIsNotNone(raw.features.find(f"{{{NS_ROSTERVER}}}ver"),
                             "roster versioning is not advertised")
        client = await self.login(alice, password)
        result = await client.iq("get", f"<query xmlns='{ROSTER_NS}' ver=''/>")
        query = result.xml.find(f"{{{ROSTER_NS}}}query")
        self.assertIsNotNone(query)
        self.assertIsNotNone(query.get("ver"), "roster result without 'ver'")

        async def add(jid: str) -> str:
            await client.roster_set(jid)
            push = await client.wait_event("roster_update", predicate=lambda iq: iq["type"] ==
                                           "set" and jid in parse_roster(iq.xml))
            version = push.xml.find(f"{{{ROSTER_NS}}}query").get("ver")
            self.assertIsNotNone(version, "roster push without 'ver'")
            return version

        carol = f"carol-{bob}"
        first_version = await add(bob)
        second_version = await add(carol)
        self.assertNotEqual(first_version, second_version, "a roster change kept the version")

        current = await client.iq("get", f"<query xmlns='{ROSTER_NS}' ver='{second_version}'/>")
        query = current.xml.find(f"{{{ROSTER_NS}}}query")
        self.assertTrue(query is None or len(query) == 0,
                        f"items sent although the client's version is current: "
                        f"{ET.tostring(current.xml)}")


class Subscriptions(ServerTestCase):
    async def test_handshake_both_directions_ends_in_both(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)

        # alice -> bob: pending out, then 'to' / 'from'.
        alice.send_presence(pto=bob_jid, ptype="subscribe")
        await roster_push(alice, bob_jid, subscription="none", ask="subscribe")
        request = await bob.expect_presence(sender=alice_jid, ptype="subscribe")
        self.assertEqual(str(request["from"]), alice_jid, "subscription requests come from the "
                         "bare JID (RFC 6121 3.1.2)")
        bob.send_presence(pto=alice_jid, ptype="subscribed")
        await roster_push(bob, alice_jid, subscription="from")
        await roster_push(alice, bob_jid, subscription="to", ask=None)
        await alice.expect_presence(sender=bob_jid, ptype="subscribed")
        # The new subscriber receives the contact's current presence.
        await alice.expect_presence(sender=str(bob.boundjid), ptype="available")

        # bob -> alice completes the mutual subscription.
        bob.send_presence(pto=alice_jid, ptype="subscribe")
        await alice.expect_presence(sender=bob_jid, ptype="subscribe")
        alice.send_presence(pto=bob_jid, ptype="subscribed")
        await roster_push(alice, bob_jid, subscription="both")
        await roster_push(bob, alice_jid, subscription="both")
        await bob.expect_presence(sender=str(alice.boundjid), ptype="available")

        self.assertEqual((await alice.roster_items())[bob_jid]["subscription"], "both")
        self.assertEqual((await bob.roster_items())[alice_jid]["subscription"], "both")

        # Presence now flows both ways: unavailable on logout, available on login, and a
        # fresh session of alice gets bob's presence by probe.
        await bob.close()
        await alice.expect_presence(sender=bob_jid, ptype="unavailable")
        bob = await self.login(bob_jid, bob_pw)
        await alice.expect_presence(sender=str(bob.boundjid), ptype="available")
        alice2 = await self.login(alice_jid, alice_pw)
        await alice2.expect_presence(sender=str(bob.boundjid), ptype="available")

        # Unsubscribing: alice stops following bob; bob's side goes to 'to'.
        alice.send_presence(pto=bob_jid, ptype="unsubscribe")
        await roster_push(alice, bob_jid, subscription="from")
        await roster_push(bob, alice_jid, subscription="to")

    async def test_denied_request_leaves_no_subscription(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        alice.send_presence(pto=bob_jid, ptype="subscribe")
        await bob.expect_presence(sender=alice_jid, ptype="subscribe")
        bob.send_presence(pto=alice_jid, ptype="unsubscribed")
        await alice.expect_presence(sender=bob_jid, ptype="unsubscribed")
        await roster_push(alice, bob_jid, subscription="none", ask=None)
        # Without a subscription alice does not see bob's presence changes.
        bob.send_presence(pstatus="busy")
        await alice.expect_no_event("presence", within=1.0,
                                    predicate=lambda p: p["from"].bare == bob_jid and
                                    p["type"] == "available")

    async def test_request_to_offline_contact_is_delivered_at_login(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        alice.send_presence(pto=bob_jid, ptype="subscribe")
        await roster_push(alice, bob_jid, ask="subscribe")
        bob = await self.login(bob_jid, bob_pw)
        await bob.expect_presence(sender=alice_jid, ptype="subscribe")

    async def test_pre_approval(self):
        self.requires("pre-approval")
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        raw = self.raw()
        raw.login(bob_jid.split("@")[0], bob_pw)
        self.assertIsNotNone(raw.features.find(f"{{{NS_PREAPPROVAL}}}sub"),
                             "pre-approval is not advertised (RFC 6121 3.4)")
        bob = await self.login(bob_jid, bob_pw)
        alice = await self.login(alice_jid, alice_pw)
        bob.send_presence(pto=alice_jid, ptype="subscribed")
        push = await bob.wait_event("roster_update", predicate=lambda iq: iq["type"] == "set"
                                    and alice_jid in parse_roster(iq.xml))
        item = push.xml.find(f"{{{ROSTER_NS}}}query/{{{ROSTER_NS}}}item")
        self.assertEqual(item.get("approved"), "true")
        alice.send_presence(pto=bob_jid, ptype="subscribe")
        # The server answers for bob: alice is subscribed without bob being asked.
        await alice.expect_presence(sender=bob_jid, ptype="subscribed")
        await roster_push(bob, alice_jid, subscription="from")
        await bob.expect_no_event("presence", within=0.5,
                                  predicate=lambda p: p["type"] == "subscribe")

    async def test_directed_presence_and_its_unavailable(self):
        alice_jid, alice_pw = self.user("alice")
        carol_jid, carol_pw = self.user("carol")
        alice = await self.login(alice_jid, alice_pw)
        carol = await self.login(carol_jid, carol_pw)
        alice.send_presence(pto=str(carol.boundjid), pstatus="hello you")
        presence = await carol.expect_presence(sender=str(alice.boundjid), ptype="available")
        self.assertEqual(presence["status"], "hello you")
        await alice.close()
        # RFC 6121 4.6.3: the server sends unavailable to those who got directed presence.
        await carol.expect_presence(sender=str(alice.boundjid), ptype="unavailable")


class Messages(ServerTestCase):
    async def test_online_message_to_bare_and_full_jid_with_stamped_from(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        alice.send_message(mto=bob_jid, mbody="to your bare JID", mtype="chat")
        message = await bob.expect_message(body="to your bare JID")
        self.assertEqual(message["from"], alice.boundjid)
        self.assertEqual(message["to"].bare, bob_jid)
        alice.send_message(mto=str(bob.boundjid), mbody="to your full JID", mtype="chat")
        await bob.expect_message(sender=str(alice.boundjid), body="to your full JID")
        # Unicode survives the round trip.
        text = "Grüße, 你好, 🙂 & <markup> \"quotes\""
        bob.send_message(mto=alice_jid, mbody=text, mtype="chat")
        await alice.expect_message(sender=str(bob.boundjid), body=text)

    async def test_offline_message_is_delivered_at_next_login(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        alice.send_message(mto=bob_jid, mbody="while you were away", mtype="chat")
        alice.send_message(mto=bob_jid, mbody="second one", mtype="normal")
        # Both are processed (stored) once this round trip returns.
        await alice.sync()
        bob = await self.login(bob_jid, bob_pw)
        first = await bob.expect_message(body="while you were away")
        self.assertEqual(first["from"].bare, alice_jid)
        # XEP-0160 / XEP-0203: the server marks when it stored the message.
        delay = first.xml.find(f"{{{NS_DELAY}}}delay")
        self.assertIsNotNone(delay, "offline message without <delay/>")
        self.assertTrue(delay.get("stamp"))
        await bob.expect_message(body="second one")
        # Delivered once: a later session does not get them again.
        await bob.close()
        bob2 = await self.login(bob_jid, bob_pw)
        await bob2.expect_no_event("message", within=1.0,
                                   predicate=lambda m: m["body"] in ("while you were away",
                                                                     "second one"))

    async def test_bare_jid_message_goes_to_highest_priority_not_negative(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        high = await self.client(f"{bob_jid}/high", bob_pw).login(presence=False)
        low = await self.client(f"{bob_jid}/low", bob_pw).login(presence=False)
        high.send_presence(ppriority=5)
        low.send_presence(ppriority=-1)
        # A round trip on each session makes sure both priorities are known before the message.
        await asyncio.gather(high.sync(), low.sync())
        alice.send_message(mto=bob_jid, mbody="who gets this?", mtype="chat")
        await high.expect_message(body="who gets this?")
        # RFC 6121 8.5.2.1.1: negative priority never receives messages to the bare JID.
        await low.expect_no_event("message", within=1.0,
                                  predicate=lambda m: m["body"] == "who gets this?")
        alice.send_message(mto=f"{bob_jid}/low", mbody="just for low", mtype="chat")
        await low.expect_message(body="just for low")

    async def test_message_to_unknown_user_is_dropped_or_bounced(self):
        # RFC 6121 8.5.2.2.1: silently ignore, or return <service-unavailable/>.
        alice_jid, alice_pw = self.user("alice")
        alice = await self.login(alice_jid, alice_pw)
        alice.send_message(mto=f"nobody-at-all@{self.domain}", mbody="hello?", mtype="chat")
        await alice.sync()
        for error in alice.events("message_error"):
            self.assertEqual(error["error"]["condition"], "service-unavailable")

    async def test_message_to_own_bare_jid_reaches_own_resources(self):
        alice_jid, alice_pw = self.user("alice")
        one = await self.login(f"{alice_jid}/one", alice_pw)
        two = await self.login(f"{alice_jid}/two", alice_pw)
        one.send_message(mto=f"{alice_jid}/two", mbody="note to self", mtype="chat")
        message = await two.expect_message(body="note to self")
        self.assertEqual(str(message["from"]), f"{alice_jid}/one")


if __name__ == "__main__":
    unittest.main(verbosity=2)
