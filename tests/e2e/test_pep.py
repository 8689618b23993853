"""XEP-0163 PEP end to end with slixmpp (xep_0060, xep_0115, xep_0163, xep_0084): notifications
follow presence subscriptions and entity capabilities (+notify), a contact coming online gets the
last item, OMEMO-style publish-options (access_model=open) let a stranger read the device list,
XEP-0402 bookmarks (whitelist) stay the owner's, retractions are notified. Explicit XEP-0060
subscriptions: a contact subscribed to a node nobody has +notify for gets its notifications, a
stranger may not subscribe to a presence node, the roster access model follows the owner's roster
groups, unsubscribing stops notifications. slixmpp 1.8 has no xep_0402 plugin: the bookmark is
published as XEP-0402 section 4 prescribes, with xep_0060."""

import asyncio
import unittest
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.pep import befriend, publish_options
from harness.recorder import Recorder
from harness.testcase import ServerTestCase

PLUGINS = DEFAULT_PLUGINS + ("xep_0004", "xep_0060", "xep_0115", "xep_0163", "xep_0084")
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_PUBSUB = "http://jabber.org/protocol/pubsub"
AVATAR_METADATA = "urn:xmpp:avatar:metadata"
DEVICELIST = "eu.siacs.conversations.axolotl.devicelist"
BOOKMARKS = "urn:xmpp:bookmarks:1"
# A node no client announces +notify for: only explicit subscribers hear about it.
STATUS = "urn:example:pepsubs:status"


class Events:
    """One client's PEP notifications (slixmpp's pubsub_publish and pubsub_retract)."""

    def __init__(self, client) -> None:
        self.recorders = {kind: Recorder(client, f"pubsub_{kind}") for kind in ("publish", "retract")}

    async def wait_for(self, kind: str, node: str, item_id: str):
        """The notification message of `kind` for item `item_id` of `node`."""
        def match(msg) -> bool:
            items = msg["pubsub_event"]["items"]
            return items["node"] == node and any(i["id"] == item_id for i in items)
        return await self.recorders[kind].wait_for(match)

    def seen(self, node: str) -> list:
        return [m for r in self.recorders.values() for m in r.items
                if m["pubsub_event"]["items"]["node"] == node]


def avatar_item(item_id: str) -> dict:
    return {"id": item_id, "type": "image/png", "bytes": 1234}


class Pep(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.alice_jid, self.alice_pw = self.user("alice")
        self.bob_jid, self.bob_pw = self.user("bob")
        carol_jid, carol_pw = self.user("carol")
        self.phone = await self.pep_client(self.alice_jid + "/phone", self.alice_pw)
        self.laptop = await self.pep_client(self.alice_jid + "/laptop", self.alice_pw)
        self.bob = await self.pep_client(self.bob_jid + "/pc", self.bob_pw)
        self.carol = await self.pep_client(carol_jid + "/pc", carol_pw)
        await befriend(self.phone, self.alice_jid, self.bob, self.bob_jid)
        self.laptop_events = Events(self.laptop)
        self.bob_events = Events(self.bob)
        self.carol_events = Events(self.carol)

    async def pep_client(self, jid: str, password: str):
        client = self.client(jid, password, plugins=PLUGINS, auto_subscription=True)
        client.plugin["xep_0163"].add_interest([DEVICELIST, BOOKMARKS])
        # The caps 'ver' is recomputed in the background; wait for it before presence goes out.
        await client.plugin["xep_0115"].update_caps(broadcast=False)
        return await client.login()

    async def test_the_account_is_a_pep_service(self):
        result = await self.bob.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.alice_jid)
        identities = {(i.get("category"), i.get("type"))
                      for i in result.xml.iter(f"{{{NS_DISCO_INFO}}}identity")}
        features = {f.get("var") for f in result.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertIn(("pubsub", "pep"), identities)
        self.assertIn(f"{NS_PUBSUB}#publish-options", features)

    async def test_publish_reaches_subscribed_contacts_and_own_resources_not_strangers(self):
        await self.phone.plugin["xep_0084"].publish_avatar_metadata(avatar_item("a1"),
                                                                    timeout=TIMEOUT)
        # xep_0084 names the metadata item after the avatar's id.
        message = await self.bob_events.wait_for("publish", AVATAR_METADATA, "a1")
        self.assertEqual(str(message["from"]), self.alice_jid,
                         "notifications come from the account's bare JID")
        await self.laptop_events.wait_for("publish", AVATAR_METADATA, "a1")
        await self.carol.sync()
        await asyncio.sleep(0.5)
        self.assertEqual(self.carol_events.seen(AVATAR_METADATA), [],
                         "a stranger without a subscription is not notified")

    async def test_a_contact_coming_online_gets_the_last_item(self):
        await self.phone.plugin["xep_0084"].publish_avatar_metadata(avatar_item("a2"),
                                                                    timeout=TIMEOUT)
        await self.bob_events.wait_for("publish", AVATAR_METADATA, "a2")
        tablet = self.client(self.bob_jid + "/tablet", self.bob_pw, plugins=PLUGINS)
        tablet_events = Events(tablet)
        await tablet.plugin["xep_0115"].update_caps(broadcast=False)
        await tablet.login()
        await tablet_events.wait_for("publish", AVATAR_METADATA, "a2")

    async def test_omemo_devicelist_with_open_access_is_readable_by_a_stranger(self):
        devicelist = ET.fromstring("<list xmlns='eu.siacs.conversations.axolotl'>"
                                   "<device id='12345'/></list>")
        await self.phone.plugin["xep_0060"].publish(
            None, DEVICELIST, id="current", payload=devicelist,
            options=publish_options(self.phone, access_model="open"), timeout=TIMEOUT)
        await self.bob_events.wait_for("publish", DEVICELIST, "current")

        result = await self.carol.plugin["xep_0060"].get_items(self.alice_jid, DEVICELIST,
                                                               timeout=TIMEOUT)
        items = list(result.xml.iter(f"{{{NS_PUBSUB}}}item"))
        self.assertEqual([i.get("id") for i in items], ["current"])
        self.assertIsNotNone(items[0].find("{eu.siacs.conversations.axolotl}list/"
                                           "{eu.siacs.conversations.axolotl}device"))

        # A publish whose options contradict the node is refused (XEP-0060 7.1.5).
        with self.assertRaises(IqError) as refused:
            await self.phone.plugin["xep_0060"].publish(
                None, DEVICELIST, id="current", payload=devicelist,
                options=publish_options(self.phone, access_model="whitelist"), timeout=TIMEOUT)
        self.assertEqual(refused.exception.condition, "conflict")
        self.assertIsNotNone(refused.exception.iq.xml.find(
            ".//{http://jabber.org/protocol/pubsub#errors}precondition-not-met"))

    async def test_bookmarks_with_whitelist_are_refused_to_a_contact(self):
        bookmark = ET.fromstring(f"<conference xmlns='{BOOKMARKS}' name='Council' "
                                 "autojoin='true'><nick>alice</nick></conference>")
        # XEP-0402 section 4: the publish-options every client sends.
        await self.phone.plugin["xep_0060"].publish(
            None, BOOKMARKS, id="council@muc.example.org", payload=bookmark,
            options=publish_options(self.phone, persist_items="true", max_items="max",
                                    send_last_published_item="never", access_model="whitelist"),
            timeout=TIMEOUT)
        # The owner's other resource hears about it; the contact does not, and may not read it.
        await self.laptop_events.wait_for("publish", BOOKMARKS, "council@muc.example.org")
        own = await self.laptop.plugin["xep_0060"].get_items(self.alice_jid, BOOKMARKS,
                                                             timeout=TIMEOUT)
        self.assertEqual([i.get("id") for i in own.xml.iter(f"{{{NS_PUBSUB}}}item")],
                         ["council@muc.example.org"])
        with self.assertRaises(IqError) as refused:
            await self.bob.plugin["xep_0060"].get_items(self.alice_jid, BOOKMARKS,
                                                        timeout=TIMEOUT)
        self.assertEqual(refused.exception.condition, "not-allowed")
        self.assertEqual(self.bob_events.seen(BOOKMARKS), [])

    async def test_retract_is_notified(self):
        await self.phone.plugin["xep_0084"].publish_avatar_metadata(avatar_item("a3"),
                                                                    timeout=TIMEOUT)
        await self.bob_events.wait_for("publish", AVATAR_METADATA, "a3")
        await self.phone.plugin["xep_0060"].retract(None, AVATAR_METADATA, "a3", notify=True,
                                                    timeout=TIMEOUT)
        await self.bob_events.wait_for("retract", AVATAR_METADATA, "a3")
        await self.laptop_events.wait_for("retract", AVATAR_METADATA, "a3")
        result = await self.bob.plugin["xep_0060"].get_items(self.alice_jid, AVATAR_METADATA,
                                                             timeout=TIMEOUT)
        self.assertEqual(list(result.xml.iter(f"{{{NS_PUBSUB}}}item")), [])

    async def publish_status(self, item_id: str, **options: str) -> None:
        payload = ET.fromstring(f"<status xmlns='{STATUS}'>{item_id}</status>")
        await self.phone.plugin["xep_0060"].publish(
            None, STATUS, id=item_id, payload=payload,
            options=publish_options(self.phone, **options) if options else None, timeout=TIMEOUT)

    async def assert_not_told(self, events: Events, client, node: str, item_id: str) -> None:
        await client.sync()
        await asyncio.sleep(0.5)
        self.assertNotIn(item_id, [i["id"] for m in events.seen(node)
                                   for i in m["pubsub_event"]["items"]])

    async def test_an_explicit_subscriber_is_notified_without_notify(self):
        await self.publish_status("s1")
        await self.bob.sync()
        self.assertEqual(self.bob_events.seen(STATUS), [], "no +notify, no subscription: nothing")
        result = await self.bob.plugin["xep_0060"].subscribe(self.alice_jid, STATUS,
                                                             timeout=TIMEOUT)
        self.assertEqual(result["pubsub"]["subscription"]["subscription"], "subscribed")
        self.assertEqual(str(result["pubsub"]["subscription"]["jid"]), self.bob_jid)
        # XEP-0060 6.1.7: the last item follows the subscription.
        await self.bob_events.wait_for("publish", STATUS, "s1")
        await self.publish_status("s2")
        message = await self.bob_events.wait_for("publish", STATUS, "s2")
        self.assertEqual(str(message["from"]), self.alice_jid)
        mine = await self.bob.plugin["xep_0060"].get_subscriptions(self.alice_jid,
                                                                   timeout=TIMEOUT)
        self.assertEqual([(s.get("node"), s.get("jid")) for s in
                          mine.xml.iter(f"{{{NS_PUBSUB}}}subscription")],
                         [(STATUS, self.bob_jid)])
        owners_view = await self.phone.plugin["xep_0060"].get_node_subscriptions(
            self.alice_jid, STATUS, timeout=TIMEOUT)
        self.assertEqual([s.get("jid") for s in owners_view.xml.iter(
            "{http://jabber.org/protocol/pubsub#owner}subscription")], [self.bob_jid])

    async def test_a_stranger_may_not_subscribe_to_a_presence_node(self):
        await self.publish_status("s1")
        with self.assertRaises(IqError) as refused:
            await self.carol.plugin["xep_0060"].subscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        self.assertEqual(refused.exception.condition, "not-authorized")
        self.assertIsNotNone(refused.exception.iq.xml.find(
            ".//{http://jabber.org/protocol/pubsub#errors}presence-subscription-required"))
        await self.publish_status("s2")
        await self.assert_not_told(self.carol_events, self.carol, STATUS, "s2")

    async def test_the_roster_access_model_follows_the_owners_groups(self):
        await self.phone.roster_set(self.bob_jid, groups=("Friends",))
        await self.publish_status("s1", access_model="roster", roster_groups_allowed="Friends")
        items = await self.bob.plugin["xep_0060"].get_items(self.alice_jid, STATUS,
                                                            timeout=TIMEOUT)
        self.assertEqual([i.get("id") for i in items.xml.iter(f"{{{NS_PUBSUB}}}item")], ["s1"])
        await self.bob.plugin["xep_0060"].subscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        await self.publish_status("s2")
        await self.bob_events.wait_for("publish", STATUS, "s2")

        # Bob moves to another group: refused, and his subscription no longer carries news.
        await self.phone.roster_set(self.bob_jid, groups=("Work",))
        with self.assertRaises(IqError) as refused:
            await self.bob.plugin["xep_0060"].get_items(self.alice_jid, STATUS, timeout=TIMEOUT)
        self.assertEqual(refused.exception.condition, "not-authorized")
        self.assertIsNotNone(refused.exception.iq.xml.find(
            ".//{http://jabber.org/protocol/pubsub#errors}not-in-roster-group"))
        with self.assertRaises(IqError):
            await self.bob.plugin["xep_0060"].subscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        await self.publish_status("s3")
        await self.assert_not_told(self.bob_events, self.bob, STATUS, "s3")

    async def test_unsubscribe_stops_notifications(self):
        await self.publish_status("s1")
        await self.bob.plugin["xep_0060"].subscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        await self.publish_status("s2")
        await self.bob_events.wait_for("publish", STATUS, "s2")
        await self.bob.plugin["xep_0060"].unsubscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        await self.publish_status("s3")
        await self.assert_not_told(self.bob_events, self.bob, STATUS, "s3")
        with self.assertRaises(IqError) as refused:
            await self.bob.plugin["xep_0060"].unsubscribe(self.alice_jid, STATUS, timeout=TIMEOUT)
        self.assertEqual(refused.exception.condition, "unexpected-request")


if __name__ == "__main__":
    unittest.main()
