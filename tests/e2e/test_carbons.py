"""XEP-0280 Message Carbons end to end: two resources of one account with slixmpp's xep_0280,
received and sent carbons to the second resource, <private/> messages not copied, nothing for a
resource that did not enable carbons."""

import asyncio
import unittest
import xml.etree.ElementTree as ET

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.recorder import Recorder
from harness.testcase import ServerTestCase

NS_CARBONS = "urn:xmpp:carbons:2"
NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
PLUGINS = DEFAULT_PLUGINS + ("xep_0280",)


def body_of(carbon, direction: str) -> str:
    # slixmpp's carbon_received/carbon_sent interface is the forwarded message itself.
    return carbon[direction]["body"]


class Carbons(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.juliet, password = self.user("juliet")
        self.phone = await self.login(f"{self.juliet}/phone", password, plugins=PLUGINS)
        self.laptop = await self.login(f"{self.juliet}/laptop", password, plugins=PLUGINS)
        romeo, romeo_pw = self.user("romeo")
        self.romeo = await self.login(f"{romeo}/balcony", romeo_pw)
        self.laptop_received = Recorder(self.laptop, "carbon_received")
        self.laptop_sent = Recorder(self.laptop, "carbon_sent")
        self.phone_received = Recorder(self.phone, "carbon_received")
        await self.laptop.plugin["xep_0280"].enable(timeout=TIMEOUT)

    async def test_server_advertises_carbons(self):
        result = await self.phone.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.domain)
        features = {f.get("var") for f in result.xml.iter(f"{{{NS_DISCO_INFO}}}feature")}
        self.assertIn(NS_CARBONS, features)

    async def test_received_carbon_reaches_the_second_resource(self):
        self.romeo.send_message(mto=f"{self.juliet}/phone", mbody="wherefore art thou",
                                mtype="chat")
        await self.phone.expect_message(body="wherefore art thou")
        carbon = await self.laptop_received.wait_for(
            lambda c: body_of(c, "carbon_received") == "wherefore art thou")
        self.assertEqual(carbon["from"].full, self.juliet)
        self.assertEqual(carbon["carbon_received"]["from"].bare,
                         str(self.romeo.boundjid.bare))

    async def test_sent_carbon_reaches_the_second_resource(self):
        self.phone.send_message(mto=str(self.romeo.boundjid.bare), mbody="on my way",
                                mtype="chat")
        await self.romeo.expect_message(body="on my way")
        carbon = await self.laptop_sent.wait_for(
            lambda c: body_of(c, "carbon_sent") == "on my way")
        self.assertEqual(carbon["carbon_sent"]["to"].bare,
                         str(self.romeo.boundjid.bare))

    async def test_resource_without_carbons_gets_no_copies(self):
        self.romeo.send_message(mto=f"{self.juliet}/laptop", mbody="for the laptop",
                                mtype="chat")
        await self.laptop.expect_message(body="for the laptop")
        await self.romeo.sync()
        await asyncio.sleep(0.5)
        self.assertEqual(self.phone_received.items, [])

    async def test_private_message_is_not_copied(self):
        msg = self.romeo.make_message(mto=f"{self.juliet}/phone", mbody="just for the phone",
                                      mtype="chat")
        msg.append(ET.Element(f"{{{NS_CARBONS}}}private"))
        msg.send()
        self.romeo.send_message(mto=f"{self.juliet}/phone", mbody="marker", mtype="chat")
        await self.phone.expect_message(body="marker")
        await self.laptop_received.wait_for(lambda c: body_of(c, "carbon_received") == "marker")
        bodies = [body_of(c, "carbon_received") for c in self.laptop_received.items]
        self.assertNotIn("just for the phone", bodies)

    async def test_disable_stops_copies(self):
        await self.laptop.plugin["xep_0280"].disable(timeout=TIMEOUT)
        self.romeo.send_message(mto=f"{self.juliet}/phone", mbody="no copy now", mtype="chat")
        await self.phone.expect_message(body="no copy now")
        await asyncio.sleep(0.5)
        self.assertEqual(self.laptop_received.items, [])


if __name__ == "__main__":
    unittest.main()
