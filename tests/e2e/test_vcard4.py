"""XEP-0292 vCard4 in PEP, kept in step with XEP-0054 vcard-temp, end to end with slixmpp
(xep_0054 for vcard-temp; xep_0060/0115/0163 for the urn:xmpp:vcard4 node: Debian's slixmpp
1.8 has no xep_0292 plugin, so the vCard4 payload is built with ElementTree). An old client's
vcard-temp is read as vCard4 by a new one and notified to contacts who want urn:xmpp:vcard4;
a new client's vCard4 is what an old client's vcard-temp get returns; the node's access model
governs both forms. slixmpp 1.8 announces a caps 'ver' computed before its plugins added their
features, so its disco#info answer never hashes to it: these notifications also prove that such
an answer still counts for the client that gave it (docs/pep.md). Avatars: an old client's
vcard-temp PHOTO is the XEP-0084 avatar a new client (slixmpp's xep_0084) reads, and a new
client's XEP-0084 avatar is the PHOTO an old client reads."""

import asyncio
import base64
import hashlib
import unittest
import xml.etree.ElementTree as ET

from slixmpp.exceptions import IqError
from slixmpp.plugins.xep_0054.stanza import VCardTemp

from harness.clients import DEFAULT_PLUGINS, TIMEOUT, iq_error_condition
from harness.pep import befriend, publish_options
from harness.recorder import Recorder
from harness.testcase import ServerTestCase

PLUGINS = DEFAULT_PLUGINS + ("xep_0004", "xep_0054", "xep_0060", "xep_0084", "xep_0115",
                             "xep_0163")
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_VCARD4 = "urn:ietf:params:xml:ns:vcard-4.0"
NS_TEMP = "vcard-temp"
NODE = "urn:xmpp:vcard4"
AVATAR_DATA = "urn:xmpp:avatar:data"
AVATAR_METADATA = "urn:xmpp:avatar:metadata"
IMAGE = b"\x89PNG\r\n\x1a\nnot really a picture"
IMAGE_ID = hashlib.sha1(IMAGE).hexdigest()


def v4(tag: str) -> str:
    return f"{{{NS_VCARD4}}}{tag}"


def v4_text(card, prop: str, value: str = "text") -> str:
    """The value of the first `prop` of a vCard4 element ("" when absent)."""
    el = card.find(f"{v4(prop)}/{v4(value)}")
    return el.text or "" if el is not None else ""


def is_vcard4_notification(msg) -> bool:
    items = msg["pubsub_event"]["items"]
    return items["node"] == NODE and any(i["id"] == "current" for i in items)


def vcard4(body: str):
    return ET.fromstring(f"<vcard xmlns='{NS_VCARD4}'>{body}</vcard>")


class VCard4(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.alice_jid, alice_pw = self.user("alice")
        self.bob_jid, bob_pw = self.user("bob")
        carol_jid, carol_pw = self.user("carol")
        self.alice = await self.vcard_client(self.alice_jid + "/old", alice_pw)
        self.bob = await self.vcard_client(self.bob_jid + "/new", bob_pw)
        self.carol = await self.vcard_client(carol_jid + "/new", carol_pw)
        self.bob_events = Recorder(self.bob, "pubsub_publish")
        self.carol_events = Recorder(self.carol, "pubsub_publish")
        # alice and bob subscribe to each other; carol stays a stranger.
        await befriend(self.alice, self.alice_jid, self.bob, self.bob_jid)

    async def vcard_client(self, jid: str, password: str):
        client = self.client(jid, password, plugins=PLUGINS, auto_subscription=True)
        client.plugin["xep_0163"].add_interest([NODE])
        await client.plugin["xep_0115"].update_caps(broadcast=False)
        return await client.login()

    async def set_vcard_temp(self, body: str) -> None:
        card = VCardTemp(xml=ET.fromstring(f"<vCard xmlns='{NS_TEMP}'>{body}</vCard>"))
        await self.alice.plugin["xep_0054"].publish_vcard(card, timeout=TIMEOUT)

    async def read_vcard4(self, reader):
        result = await reader.plugin["xep_0060"].get_item(self.alice_jid, NODE, "current",
                                                          timeout=TIMEOUT)
        card = result.xml.find(f".//{{http://jabber.org/protocol/pubsub}}item/{v4('vcard')}")
        self.assertIsNotNone(card, f"no vCard4 in {result}")
        return card

    async def read_vcard_temp(self, reader):
        result = await reader.plugin["xep_0054"].get_vcard(self.alice_jid, local=False,
                                                           timeout=TIMEOUT)
        card = result.xml.find(f"{{{NS_TEMP}}}vCard")
        self.assertIsNotNone(card, f"no vCard in {result}")
        return card

    async def test_an_old_clients_vcard_temp_is_read_as_vcard4(self):
        await self.set_vcard_temp(
            "<FN>Alice Liddell</FN><N><FAMILY>Liddell</FAMILY><GIVEN>Alice</GIVEN></N>"
            "<NICKNAME>al</NICKNAME><DESC>Down the rabbit hole &amp; back</DESC>"
            "<EMAIL><HOME/><INTERNET/><USERID>alice@wonderland.lit</USERID></EMAIL>"
            "<TEL><CELL/><NUMBER>+44 1865 000</NUMBER></TEL>"
            "<X-TEA xmlns='urn:example:tea'>earl grey</X-TEA>")
        # A stranger reads it: vcard-temp was public, so is the vCard4 made from it.
        card = await self.read_vcard4(self.carol)
        self.assertEqual(v4_text(card, "fn"), "Alice Liddell")
        self.assertEqual(card.find(f"{v4('n')}/{v4('surname')}").text, "Liddell")
        self.assertEqual(v4_text(card, "nickname"), "al")
        self.assertEqual(v4_text(card, "note"), "Down the rabbit hole & back")
        self.assertEqual(v4_text(card, "email"), "alice@wonderland.lit")
        self.assertEqual(v4_text(card, "tel"), "+44 1865 000")
        types = [t.text for t in card.iterfind(f"{v4('tel')}/{v4('parameters')}/{v4('type')}/"
                                               f"{v4('text')}")]
        self.assertEqual(types, ["cell"])
        # The client's own element is kept, as it was sent, in both forms.
        self.assertEqual(card.find("{urn:example:tea}X-TEA").text, "earl grey")
        legacy = await self.read_vcard_temp(self.carol)
        self.assertEqual(legacy.find("{urn:example:tea}X-TEA").text, "earl grey")

    async def test_a_new_clients_vcard4_is_what_old_clients_get_as_vcard_temp(self):
        await self.alice.plugin["xep_0060"].publish(
            self.alice_jid, NODE, id="current",
            payload=vcard4("<fn><text>Alice Four</text></fn>"
                           "<nickname><text>a4</text></nickname>"
                           "<url><uri>https://wonderland.lit/</uri></url>"
                           "<impp><uri>xmpp:alice@wonderland.lit</uri></impp>"
                           "<gender><sex><text>F</text></sex></gender>"),
            timeout=TIMEOUT)
        notified = await self.bob_events.wait_for(is_vcard4_notification)
        self.assertEqual(v4_text(notified.xml.find(f".//{v4('vcard')}"), "fn"), "Alice Four")
        card = await self.read_vcard_temp(self.bob)
        self.assertEqual(card.findtext(f"{{{NS_TEMP}}}FN"), "Alice Four")
        self.assertEqual(card.findtext(f"{{{NS_TEMP}}}NICKNAME"), "a4")
        self.assertEqual(card.findtext(f"{{{NS_TEMP}}}URL"), "https://wonderland.lit/")
        self.assertEqual(card.findtext(f"{{{NS_TEMP}}}JABBERID"), "alice@wonderland.lit")
        self.assertIsNotNone(card.find(v4("gender")), "no vcard-temp form: kept as published")
        # The old client edits its card and publishes it back: the vCard4 follows, gender kept.
        card.find(f"{{{NS_TEMP}}}FN").text = "Alice Edited"
        await self.alice.plugin["xep_0054"].publish_vcard(VCardTemp(xml=card), timeout=TIMEOUT)
        back = await self.read_vcard4(self.bob)
        self.assertEqual(v4_text(back, "fn"), "Alice Edited")
        self.assertEqual(v4_text(back, "impp", "uri"), "xmpp:alice@wonderland.lit")
        self.assertIsNotNone(back.find(v4("gender")))

    async def test_contacts_who_want_vcard4_are_notified_of_a_vcard_temp_change(self):
        await self.set_vcard_temp("<FN>Alice Notified</FN>")
        message = await self.bob_events.wait_for(is_vcard4_notification)
        self.assertEqual(str(message["from"]), self.alice_jid)
        card = message.xml.find(f".//{v4('vcard')}")
        self.assertEqual(v4_text(card, "fn"), "Alice Notified")
        await self.carol.sync()
        await asyncio.sleep(0.5)
        self.assertFalse([m for m in self.carol_events.items if is_vcard4_notification(m)],
                         "a stranger without a subscription is not notified")

    async def test_the_nodes_access_model_governs_vcard_temp_reads(self):
        await self.alice.plugin["xep_0060"].publish(
            self.alice_jid, NODE, id="current", payload=vcard4("<fn><text>Contacts only</text></fn>"),
            options=publish_options(self.alice, access_model="presence"), timeout=TIMEOUT)
        with self.assertRaises(IqError) as refused:
            await self.read_vcard_temp(self.carol)
        self.assertEqual(iq_error_condition(refused.exception), "not-authorized")
        card = await self.read_vcard_temp(self.bob)
        self.assertEqual(card.findtext(f"{{{NS_TEMP}}}FN"), "Contacts only")

    async def test_the_account_advertises_vcard4(self):
        result = await self.bob.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.alice_jid)
        features = {f.get("var") for f in result.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertIn(NODE, features)

    async def test_a_malformed_vcard4_is_refused(self):
        with self.assertRaises(IqError) as refused:
            await self.alice.plugin["xep_0060"].publish(
                self.alice_jid, NODE, id="current",
                payload=ET.fromstring(f"<vCard xmlns='{NS_TEMP}'><FN>wrong</FN></vCard>"),
                timeout=TIMEOUT)
        self.assertEqual(iq_error_condition(refused.exception), "bad-request")
        await self.assertServerStillServes()

    async def test_an_old_clients_photo_is_the_avatar_new_clients_read(self):
        encoded = base64.b64encode(IMAGE).decode()
        await self.set_vcard_temp("<FN>Alice</FN><PHOTO><TYPE>image/png</TYPE>"
                                  f"<BINVAL>{encoded[:16]}\n{encoded[16:]}</BINVAL></PHOTO>")
        result = await self.bob.plugin["xep_0060"].get_items(self.alice_jid, AVATAR_METADATA,
                                                             timeout=TIMEOUT)
        info = result.xml.find(f".//{{{AVATAR_METADATA}}}info")
        self.assertIsNotNone(info, f"no avatar metadata in {result}")
        self.assertEqual(info.get("id"), IMAGE_ID)
        self.assertEqual(info.get("type"), "image/png")
        self.assertEqual(info.get("bytes"), str(len(IMAGE)))
        data = await self.bob.plugin["xep_0084"].retrieve_avatar(self.alice_jid, IMAGE_ID,
                                                                 timeout=TIMEOUT)
        value = data.xml.find(f".//{{{AVATAR_DATA}}}data").text
        self.assertEqual(base64.b64decode(value), IMAGE)

    async def test_a_new_clients_avatar_is_the_photo_old_clients_read(self):
        avatars = self.bob.plugin["xep_0084"]
        await avatars.publish_avatar(IMAGE, timeout=TIMEOUT)
        await avatars.publish_avatar_metadata(
            {"id": IMAGE_ID, "type": "image/png", "bytes": len(IMAGE)}, timeout=TIMEOUT)
        result = await self.alice.plugin["xep_0054"].get_vcard(self.bob_jid, local=False,
                                                               timeout=TIMEOUT)
        photo = result.xml.find(f"{{{NS_TEMP}}}vCard/{{{NS_TEMP}}}PHOTO")
        self.assertIsNotNone(photo, f"no PHOTO in {result}")
        self.assertEqual(photo.findtext(f"{{{NS_TEMP}}}TYPE"), "image/png")
        self.assertEqual(base64.b64decode(photo.findtext(f"{{{NS_TEMP}}}BINVAL")), IMAGE)
        # Disabling the avatar (an empty <metadata/>) takes the PHOTO away.
        await avatars.stop(timeout=TIMEOUT)
        result = await self.alice.plugin["xep_0054"].get_vcard(self.bob_jid, local=False,
                                                               timeout=TIMEOUT)
        self.assertIsNone(result.xml.find(f"{{{NS_TEMP}}}vCard/{{{NS_TEMP}}}PHOTO"))


if __name__ == "__main__":
    unittest.main()
