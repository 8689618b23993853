"""XEP-0163 PEP end to end with slixmpp (xep_0060, xep_0115, xep_0163, xep_0084): notifications
follow presence subscriptions and entity capabilities (+notify), a contact coming online gets the
last item, OMEMO-style publish-options (access_model=open) let a stranger read the device list,
XEP-0402 bookmarks (whitelist) stay the owner's, retractions are notified. slixmpp 1.8 has no
xep_0402 plugin: the bookmark is published as XEP-0402 section 4 prescribes, with xep_0060."""

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


if __name__ == "__main__":
    unittest.main()
