"""XMPP over BOSH (XEP-0124 + XEP-0206, issue #8, docs/bosh.md).

keyfed serves https://<host>:<https port>/http-bind on its https listener. The client is
harness/bosh.py (raw HTTPS from the standard library, one connection per request); the other side
of each conversation is slixmpp on the TCP c2s listener."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import unittest
import xml.etree.ElementTree as ET

from harness.bosh import NS_HTTPBIND, BoshClient
from harness.raw import NS_BIND, NS_SASL, mechanisms, q
from harness.target import target_kind
from harness.testcase import ServerTestCase

WAIT = 4  # seconds the tests let the server hold a request
MAX_BODY = 20000


@unittest.skipIf(target_kind() == "prosody", "keyfed's https listener only")
class XmppOverBosh(ServerTestCase):
    server_options = {"listeners": ("c2s", "https"),
                      "keyfed_config": {"bosh": {"max_wait": WAIT, "max_body_bytes": MAX_BODY}}}

    def bosh(self) -> BoshClient:
        return BoshClient(self.server.host, self.server.listeners["https"], self.domain,
                          str(self.server.ca_file))

    def logged_in(self, user: str, password: str) -> tuple[BoshClient, str]:
        client = self.bosh()
        client.create(wait=WAIT)
        features = client.features()
        offered = mechanisms(features)
        self.assertIn("SCRAM-SHA-256", offered)
        # Many HTTPS connections, no one TLS channel to bind to: no -PLUS.
        self.assertFalse([m for m in offered if m.endswith("-PLUS")], offered)
        result = client.auth_scram("SCRAM-SHA-256", user.split("@")[0], password)
        self.assertEqual(result.tag, q(NS_SASL, "success"), ET.tostring(result))
        self.assertIsNotNone(client.restart().find(q(NS_BIND, "bind")))
        return client, client.bind("bosh")

    # --- a whole session ------------------------------------------------------------------------
    async def test_login_and_messages_both_ways_with_a_tcp_client(self):
        alice, alice_password = self.user("alice")
        bob, bob_password = self.user("bob")
        client, alice_full = await asyncio.to_thread(self.logged_in, alice, alice_password)
        self.assertEqual(alice_full, f"{alice}/bosh")
        session = client.session
        self.assertEqual((session["wait"], session["hold"], session["requests"]),
                         (str(WAIT), "1", "2"))
        self.assertEqual(session.get(f"{{{'urn:xmpp:xbosh'}}}restartlogic"), "true")
        self.assertEqual(session["from"], self.domain)

        tcp = await self.login(bob, bob_password)
        await asyncio.to_thread(client.send,
                                f"<message xmlns='jabber:client' to='{bob}' type='chat'>"
                                "<body>hello over BOSH</body></message>")
        received = await tcp.expect_message(sender=alice_full, body="hello over BOSH")
        self.assertEqual(received["type"], "chat")

        # Long polling: the empty request is held until the message arrives, not answered at once.
        poll: dict = {}

        def hold() -> None:
            started = time.monotonic()
            poll["answer"] = client.send()
            poll["took"] = time.monotonic() - started

        holder = threading.Thread(target=hold)
        holder.start()
        await asyncio.sleep(1.0)
        tcp.send_message(mto=alice_full, mbody="hello from TCP", mtype="chat")
        await asyncio.to_thread(holder.join, 10)
        self.assertGreater(poll["took"], 0.8, "the poll was answered before there was anything")
        self.assertLess(poll["took"], WAIT, "the message waited for the poll's wait to end")
        message = client.next_payload(q("jabber:client", "message"))
        self.assertEqual(message.get("from"), str(tcp.boundjid))
        self.assertEqual(message.findtext(q("jabber:client", "body")), "hello from TCP")

        # Terminate with a last presence; the sid is gone afterwards.
        end = await asyncio.to_thread(
            client.send, "<presence xmlns='jabber:client' type='unavailable'/>", type="terminate")
        self.assertTrue(end.terminated, end.raw)
        after = await asyncio.to_thread(client.send)
        self.assertEqual((after.terminated, after.condition), (True, "item-not-found"))

    async def test_an_empty_poll_is_answered_when_its_wait_is_over(self):
        alice, password = self.user("alice")
        client, _ = await asyncio.to_thread(self.logged_in, alice, password)
        self.assertEqual(client.pending, [])  # no presence sent: nothing else comes
        started = time.monotonic()
        answer = await asyncio.to_thread(client.send)
        took = time.monotonic() - started
        self.assertFalse(answer.terminated, answer.raw)
        self.assertGreater(took, WAIT - 1.5)
        self.assertLessEqual(took, WAIT + 0.5)

    # --- rid handling (XEP-0124 14) --------------------------------------------------------------
    def test_a_repeated_rid_gets_the_same_answer(self):
        alice, password = self.user("alice")
        client, _ = self.logged_in(alice, password)
        request = client.body("<iq xmlns='jabber:client' type='get' id='ping1'>"
                              "<ping xmlns='urn:xmpp:ping'/></iq>")
        first = client.post(request)
        self.assertEqual([p.get("id") for p in first.payloads], ["ping1"], first.raw)
        # The client lost the answer and sends the same request again (14.3).
        again = client.post(request)
        self.assertEqual(again.raw, first.raw)
        # The ping went to the session once, and the session goes on.
        self.assertFalse(client.send().terminated)

    def test_a_rid_outside_the_window_ends_the_session(self):
        alice, password = self.user("alice")
        client, _ = self.logged_in(alice, password)
        client.rid += 5
        answer = client.send()
        self.assertEqual((answer.terminated, answer.condition), (True, "item-not-found"))
        client.rid -= 5
        self.assertEqual(client.send().condition, "item-not-found")

    def test_an_unknown_sid_is_item_not_found(self):
        client = self.bosh()
        client.sid = "0123456789abcdef0123456789abcdef"
        answer = client.send()
        self.assertEqual((answer.terminated, answer.condition), (True, "item-not-found"))

    # --- refusals -------------------------------------------------------------------------------
    def test_bad_bodies_are_refused(self):
        client = self.bosh()
        for bad in ("not xml", f"<body xmlns='{NS_HTTPBIND}'/>",
                    f"<body rid='1' xmlns='urn:wrong'/>",
                    f"<!DOCTYPE x><body rid='1' xmlns='{NS_HTTPBIND}'/>",
                    # the stream's limits hold for the body too (depth here)
                    f"<body rid='1' xmlns='{NS_HTTPBIND}'>" + "<a>" * 100 + "</a>" * 100 +
                    "</body>"):
            answer = client.post(bad)
            self.assertEqual((answer.status, answer.terminated, answer.condition),
                             (200, True, "bad-request"), bad)
        # Refused from its Content-Length, before any of it is sent.
        head = client.raw(f"POST /http-bind HTTP/1.1\r\nHost: {self.domain}\r\n"
                          f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode())
        self.assertTrue(head.startswith(b"HTTP/1.1 413"), head[:200])
        self.assertEqual(client.post("", method="GET").status, 405)

    def test_a_stream_error_ends_the_session_with_the_error_inside(self):
        alice, password = self.user("alice")
        client, _ = self.logged_in(alice, password)
        answer = client.send("<unknown xmlns='urn:example:nothing'/>")
        self.assertEqual((answer.terminated, answer.condition), (True, "remote-stream-error"),
                         answer.raw)
        error = answer.body.find(q("http://etherx.jabber.org/streams", "error"))
        self.assertIsNotNone(error, answer.raw)
        self.assertIsNotNone(error.find(q("urn:ietf:params:xml:ns:xmpp-streams",
                                          "unsupported-stanza-type")), answer.raw)
        self.assertEqual(client.send().condition, "item-not-found")

    def test_a_session_for_an_unknown_host_is_refused(self):
        client = self.bosh()
        answer = client.send(to="elsewhere.example", wait="5", hold="1",
                             **{"xmpp:version": "1.0"})
        self.assertTrue(answer.terminated, answer.raw)
        self.assertEqual(answer.condition, "remote-stream-error")
        self.assertIn(b"host-unknown", answer.raw)

    # --- web clients ----------------------------------------------------------------------------
    def test_cors_preflight_and_headers(self):
        client = self.bosh()
        preflight = client.post("", method="OPTIONS",
                                headers={"Origin": "http://page.example",
                                         "Access-Control-Request-Method": "POST"})
        self.assertEqual(preflight.status, 204)
        self.assertEqual(preflight.headers.get("access-control-allow-origin"), "*")
        self.assertIn("POST", preflight.headers.get("access-control-allow-methods", ""))
        self.assertIn("content-type", preflight.headers.get("access-control-allow-headers", ""))
        created = client.create(wait=WAIT)
        self.assertEqual(created.headers.get("access-control-allow-origin"), "*")
        self.assertTrue(created.headers.get("content-type", "").startswith("text/xml"))

    def test_host_meta_names_the_bosh_endpoint(self):
        client = self.bosh()
        client.path = "/.well-known/host-meta.json"
        answer = client.post("", method="GET")
        self.assertEqual(answer.status, 200)
        port = self.server.listeners["https"]
        self.assertIn({"rel": "urn:xmpp:alt-connections:xbosh",
                       "href": f"https://{self.domain}:{port}/http-bind"},
                      json.loads(answer.raw)["links"])
        client.path = "/.well-known/host-meta"
        xrd = ET.fromstring(client.post("", method="GET").raw)
        links = [(link.get("rel"), link.get("href")) for link in
                 xrd.findall("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")]
        self.assertIn(("urn:xmpp:alt-connections:xbosh",
                       f"https://{self.domain}:{port}/http-bind"), links)


if __name__ == "__main__":
    unittest.main()
