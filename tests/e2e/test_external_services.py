"""XEP-0215 external service discovery (issue #8, docs/external-services.md).

A slixmpp client asks its server for the STUN/TURN servers to use in calls. The TURN password is
checked the way a TURN server sharing the secret (coturn's use-auth-secret) checks it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import unittest
import xml.etree.ElementTree as ET

from harness.target import target_kind
from harness.testcase import ServerTestCase

NS = "urn:xmpp:extdisco:2"
SECRET = "shared-with-the-turn-server"


@unittest.skipIf(target_kind() == "prosody", "keyfed's [external_services]")
class ExternalServices(ServerTestCase):
    server_options = {"keyfed_config": {"external_services": {
        "credential_ttl": 600,
        "service": [{"type": "stun", "host": "stun.example.test", "port": 3478},
                    {"type": "turn", "host": "turn.example.test", "port": 3478,
                     "transport": "udp", "secret": SECRET}]}}}

    async def services(self, client, payload: str) -> ET.Element:
        return (await client.iq("get", payload, to=self.domain)).xml

    async def test_a_client_gets_the_relays_and_credentials_a_turn_server_accepts(self):
        jid, password = self.user("alice")
        alice = await self.login(jid, password)
        info = await alice.iq("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>",
                              to=self.domain)
        self.assertIn(NS, {f.get("var") for f in info.xml.iter(
            "{http://jabber.org/protocol/disco#info}feature")})

        reply = await self.services(alice, f"<services xmlns='{NS}'/>")
        services = {s.get("type"): s for s in reply.iter(f"{{{NS}}}service")}
        self.assertEqual(set(services), {"stun", "turn"})
        self.assertIsNone(services["stun"].get("password"))
        turn = services["turn"]
        self.assertEqual((turn.get("host"), turn.get("port"), turn.get("transport")),
                         ("turn.example.test", "3478", "udp"))
        expiry, user = turn.get("username").split(":", 1)
        self.assertEqual(user, jid)
        self.assertAlmostEqual(int(expiry), time.time() + 600, delta=60)
        expected = base64.b64encode(hmac.new(SECRET.encode(), turn.get("username").encode(),
                                             hashlib.sha1).digest()).decode()
        self.assertEqual(turn.get("password"), expected)

        only_turn = await self.services(alice, f"<services xmlns='{NS}' type='turn'/>")
        self.assertEqual([s.get("type") for s in only_turn.iter(f"{{{NS}}}service")], ["turn"])


if __name__ == "__main__":
    unittest.main()
