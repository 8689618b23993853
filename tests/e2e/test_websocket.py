"""XMPP over WebSocket (RFC 7395) and XEP-0156 discovery (issue #8, docs/websocket.md).

keyfed serves wss://<host>:<https port>/xmpp-websocket on its https listener. The WebSocket client
is harness/websocket.py (standard library: ssl, socket, its own masked frames); the other side of
each conversation is slixmpp on the TCP c2s listener, so both framings meet in one server."""

from __future__ import annotations

import asyncio
import json
import unittest
import xml.etree.ElementTree as ET

from harness.raw import NS_BIND, NS_SASL, NS_STREAMS_ERR, NS_TLS, q, mechanisms
from harness.scram import ChannelBindingUnavailable
from harness.target import target_kind
from harness.testcase import ServerTestCase
from harness.websocket import (NS_FRAMING, OP_PING, OP_PONG, OP_TEXT, WsClient, WsClosed,
                               frame)

MAX_MESSAGE = 16384


@unittest.skipIf(target_kind() == "prosody", "keyfed's WebSocket listener only")
class XmppOverWebSocket(ServerTestCase):
    server_options = {"listeners": ("c2s", "https"),
                      "keyfed_config": {"websocket": {"max_message_bytes": MAX_MESSAGE}}}

    def ws(self) -> WsClient:
        client = WsClient(self.server.host, self.server.listeners["https"], domain=self.domain,
                          ca_file=self.server.ca_file)
        self.addCleanup(client.close)
        return client

    def upgraded(self) -> WsClient:
        client = self.ws()
        self.assertEqual(client.handshake(), 101)
        self.assertEqual(client.headers.get("sec-websocket-protocol"), "xmpp")
        return client

    def logged_in(self, user: str, password: str, mechanism: str = "SCRAM-SHA-256") -> tuple:
        client = self.upgraded()
        features = client.open()
        self.assertIsNone(features.find(q(NS_TLS, "starttls")), "no STARTTLS inside wss")
        self.assertIn(mechanism, mechanisms(features))
        result = client.auth_scram(mechanism, user.split("@")[0], password)
        self.assertEqual(result.tag, q(NS_SASL, "success"), ET.tostring(result))
        features = client.open()  # RFC 7395 3.5: a new <open/> after SASL
        self.assertIsNotNone(features.find(q(NS_BIND, "bind")))
        return client, client.bind("web")

    @staticmethod
    def next_past_ack_requests(ws: WsClient, handled: int) -> ET.Element:
        """The next element that is not the server's XEP-0198 <r/> (answered with ``handled``)."""
        while True:
            element = ws.element()
            if element.tag != q("urn:xmpp:sm:3", "r"):
                return element
            ws.send_text(f"<a xmlns='urn:xmpp:sm:3' h='{handled}'/>")

    # --- log in and talk to a TCP client -----------------------------------------------------
    async def test_scram_sha256_login_and_messages_both_ways_with_a_tcp_client(self):
        alice, alice_password = self.user("alice")
        bob, bob_password = self.user("bob")
        ws, alice_full = await asyncio.to_thread(self.logged_in, alice, alice_password)
        self.assertEqual(alice_full, f"{alice}/web")
        tcp = await self.login(bob, bob_password)

        ws.send_text(f"<message xmlns='jabber:client' to='{bob}' type='chat'>"
                     "<body>hello from the browser</body></message>")
        received = await tcp.expect_message(sender=alice_full, body="hello from the browser")
        self.assertEqual(received["type"], "chat")

        tcp.send_message(mto=alice_full, mbody="hello from TCP", mtype="chat")
        element = await asyncio.to_thread(ws.element)
        self.assertEqual(element.tag, q("jabber:client", "message"))
        self.assertEqual(element.get("from"), str(tcp.boundjid))
        self.assertEqual(element.findtext(q("jabber:client", "body")), "hello from TCP")

        # RFC 7395 3.6: <close/> is answered with <close/> and the WebSocket closing handshake.
        ws.send_text(f"<close xmlns='{NS_FRAMING}'/>")
        self.assertEqual((await asyncio.to_thread(ws.element)).tag, q(NS_FRAMING, "close"))
        self.assertEqual((await asyncio.to_thread(ws.wait_close)).code, 1000)

    async def test_scram_plus_binds_to_the_wss_tls_connection(self):
        alice, password = self.user("alice")
        try:
            ws, _ = await asyncio.to_thread(self.logged_in, alice, password,
                                            "SCRAM-SHA-256-PLUS")
        except ChannelBindingUnavailable as exc:
            self.skipTest(f"this Python cannot compute tls-exporter: {exc}")
        ws.send_raw(frame(OP_PING, b"still there?"))
        ws.send_text(f"<iq xmlns='jabber:client' type='get' id='p1' to='{self.domain}'>"
                     "<ping xmlns='urn:xmpp:ping'/></iq>")
        # The pong comes first, untouched; then the IQ result.
        opcode, _, payload = await asyncio.to_thread(ws.recv_frame)
        self.assertEqual((opcode, payload), (OP_PONG, b"still there?"))
        reply = await asyncio.to_thread(ws.element)
        self.assertEqual((reply.get("id"), reply.get("type")), ("p1", "result"),
                         ET.tostring(reply, encoding="unicode"))

    async def test_stream_management_and_carbons_work_as_on_tcp(self):
        """The same session logic: XEP-0198 acks count stanzas, XEP-0280 carbons copy a message
        sent from a TCP resource to the WebSocket one."""
        alice, password = self.user("alice")
        bob, bob_password = self.user("bob")
        ws, _ = await asyncio.to_thread(self.logged_in, alice, password)
        ws.send_text("<enable xmlns='urn:xmpp:sm:3'/>")
        self.assertEqual((await asyncio.to_thread(ws.element)).tag, q("urn:xmpp:sm:3", "enabled"))
        ws.send_text("<iq xmlns='jabber:client' type='set' id='c1'>"
                     "<enable xmlns='urn:xmpp:carbons:2'/></iq>")
        self.assertEqual((await asyncio.to_thread(ws.element)).get("type"), "result")
        ws.send_text("<r xmlns='urn:xmpp:sm:3'/>")
        ack = await asyncio.to_thread(self.next_past_ack_requests, ws, 1)
        self.assertEqual((ack.tag, ack.get("h")), (q("urn:xmpp:sm:3", "a"), "1"))

        phone = await self.login(f"{alice}/phone", password)
        await self.login(bob, bob_password)
        phone.send_message(mto=bob, mbody="sent from the phone", mtype="chat")
        carbon = await asyncio.to_thread(self.next_past_ack_requests, ws, 1)
        self.assertEqual(carbon.tag, q("jabber:client", "message"))
        sent = carbon.find(q("urn:xmpp:carbons:2", "sent"))
        self.assertIsNotNone(sent, ET.tostring(carbon, encoding="unicode"))
        self.assertIn("sent from the phone", ET.tostring(sent, encoding="unicode"))

    # --- discovery ----------------------------------------------------------------------------
    def test_host_meta_names_the_websocket_endpoint(self):
        port = self.server.listeners["https"]
        url = f"wss://{self.domain}:{port}/xmpp-websocket"
        xrd = self.ws()
        self.assertEqual(xrd.handshake("/.well-known/host-meta", protocol=None, upgrade=False,
                                       host=f"{self.domain}:{port}"), 200)
        self.assertEqual(xrd.headers.get("access-control-allow-origin"), "*")
        links = ET.fromstring(xrd.body).findall("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
        bosh = f"https://{self.domain}:{port}/http-bind"  # [bosh] is on by default
        self.assertEqual([(link.get("rel"), link.get("href")) for link in links],
                         [("urn:xmpp:alt-connections:websocket", url),
                          ("urn:xmpp:alt-connections:xbosh", bosh)])

        js = self.ws()
        self.assertEqual(js.handshake("/.well-known/host-meta.json", protocol=None,
                                      upgrade=False, host=f"{self.domain}:{port}"), 200)
        self.assertEqual(js.headers.get("access-control-allow-origin"), "*")
        self.assertEqual(json.loads(js.body)["links"],
                         [{"rel": "urn:xmpp:alt-connections:websocket", "href": url},
                          {"rel": "urn:xmpp:alt-connections:xbosh", "href": bosh}])

        other = self.ws()
        self.assertEqual(other.handshake("/.well-known/host-meta", protocol=None, upgrade=False,
                                         host=f"not-served.example:{port}"), 404)

    # --- refusals -----------------------------------------------------------------------------
    def test_bad_handshakes_are_refused(self):
        for options, status in (({"protocol": None}, 400), ({"protocol": "chat"}, 400),
                                ({"upgrade": False}, 426), ({"version": "8"}, 426)):
            client = self.ws()
            self.assertEqual(client.handshake(**options), status, options)
            self.assertIn("error", json.loads(client.body))
            with self.assertRaises(WsClosed):  # and the connection closes
                client.recv_frame()

    def test_oversize_message_closes_with_1009(self):
        client = self.upgraded()
        client.open()
        # Only the header of a frame above the limit: refused before its payload arrives.
        client.send_raw(frame(OP_TEXT, b"", declared_length=MAX_MESSAGE + 1))
        self.assertEqual(client.wait_close().code, 1009)

    def test_unmasked_client_frame_closes_with_1002(self):
        client = self.upgraded()
        client.send_raw(frame(OP_TEXT, f"<open xmlns='{NS_FRAMING}' to='{self.domain}' "
                                       "version='1.0'/>".encode(), mask=False))
        self.assertEqual(client.wait_close().code, 1002)

    def test_stream_errors_are_framed_messages(self):
        client = self.upgraded()
        # The first element must be <open/>: the server opens, sends the error and closes.
        client.send_text("<message xmlns='jabber:client' to='someone@example.com'/>")
        self.assertEqual(client.element().tag, q(NS_FRAMING, "open"))
        error = client.element()
        self.assertEqual(error.tag, q("http://etherx.jabber.org/streams", "error"))
        self.assertIsNotNone(error.find(q(NS_STREAMS_ERR, "bad-format")))
        self.assertEqual(client.element().tag, q(NS_FRAMING, "close"))
        self.assertEqual(client.wait_close().code, 1000)

        unknown = self.upgraded()
        unknown.send_text(f"<open xmlns='{NS_FRAMING}' to='not-served.example' version='1.0'/>")
        unknown.element()  # <open/>
        self.assertIsNotNone(unknown.element().find(q(NS_STREAMS_ERR, "host-unknown")))

    async def test_server_still_serves_tcp_clients(self):
        await self.assertServerStillServes()


if __name__ == "__main__":
    unittest.main()
