"""HTTP file upload (XEP-0363, issue #8, docs/upload.md).

A slixmpp client discovers the service and asks its server for a slot over XMPP; the file then
goes over real HTTPS (the test CA, SNI = the domain) to keyfed's https listener, and comes back
with a GET, as any client holding the URL would fetch it. (slixmpp's own upload helper needs
aiohttp, which Debian does not install with it: the HTTP side is the standard library's.)"""

from __future__ import annotations

import asyncio
import http.client
import socket
import ssl
import unittest
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from harness.target import target_kind
from harness.testcase import ServerTestCase
from slixmpp.exceptions import IqError

NS = "urn:xmpp:http:upload:0"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
DATA = "jabber:x:data"
MAX_FILE = 200_000
QUOTA = 450_000


class Https:
    """One HTTPS exchange with the server at ``address``, verifying its certificate for the URL's
    host name (the XMPP domain) against the test CA."""

    def __init__(self, address: str, ca_file) -> None:
        self.address = address
        self.context = ssl.create_default_context(cafile=str(ca_file))

    def request(self, method: str, url: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        raw = socket.create_connection((self.address, parts.port), timeout=10)
        tls = self.context.wrap_socket(raw, server_hostname=parts.hostname)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.sock = tls
        try:
            connection.request(method, parts.path, body=body, headers=headers or {})
            response = connection.getresponse()
            return (response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read())
        finally:
            connection.close()


@unittest.skipIf(target_kind() == "prosody", "keyfed's upload service")
class HttpFileUpload(ServerTestCase):
    server_options = {"listeners": ("c2s", "https"),
                      "keyfed_config": {"upload": {"enabled": True, "max_file_size": MAX_FILE,
                                                   "quota": QUOTA}}}

    def https(self) -> Https:
        return Https(self.server.host, self.server.ca_file)

    async def slot(self, client, filename: str, size: int,
                   content_type: str = "application/octet-stream") -> tuple[str, str]:
        request = ET.Element(f"{{{NS}}}request", {"filename": filename, "size": str(size),
                                                  "content-type": content_type})
        result = await client.iq("get", request, to=self.domain)
        slot = result.xml.find(f"{{{NS}}}slot")
        self.assertIsNotNone(slot, ET.tostring(result.xml))
        return slot.find(f"{{{NS}}}put").get("url"), slot.find(f"{{{NS}}}get").get("url")

    async def put(self, url: str, body: bytes, content_type: str = "application/octet-stream"):
        return await asyncio.to_thread(self.https().request, "PUT", url, body,
                                       {"Content-Type": content_type})

    async def get(self, url: str):
        return await asyncio.to_thread(self.https().request, "GET", url)

    async def test_discovery_names_the_service_and_its_size_limit(self):
        alice = await self.login(*self.user("alice"))
        info = (await alice.iq("get", f"<query xmlns='{DISCO_INFO}'/>", to=self.domain)).xml
        query = info.find(f"{{{DISCO_INFO}}}query")
        features = {f.get("var") for f in query.findall(f"{{{DISCO_INFO}}}feature")}
        self.assertIn(NS, features)
        identities = {(i.get("category"), i.get("type"))
                      for i in query.findall(f"{{{DISCO_INFO}}}identity")}
        self.assertIn(("store", "file"), identities)
        self.assertIn(("server", "im"), identities)
        fields = {}
        for form in query.findall(f"{{{DATA}}}x"):
            for field in form.findall(f"{{{DATA}}}field"):
                fields[field.get("var")] = field.findtext(f"{{{DATA}}}value")
        self.assertEqual(fields.get("FORM_TYPE"), NS)
        self.assertEqual(fields.get("max-file-size"), str(MAX_FILE))

    async def test_an_upload_is_fetched_by_another_user_with_the_url(self):
        alice = await self.login(*self.user("alice"))
        payload = bytes(range(256)) * 400  # 102,400 bytes, every byte value
        put_url, get_url = await self.slot(alice, "holiday photo.jpg", len(payload), "image/jpeg")
        self.assertTrue(put_url.startswith(f"https://{self.domain}:"), put_url)
        self.assertTrue(put_url.endswith("/holiday%20photo.jpg"), put_url)

        status, headers, _ = await self.put(put_url, payload, "image/jpeg")
        self.assertEqual(status, 201)
        self.assertEqual(headers.get("access-control-allow-origin"), "*")

        # The URL is the capability: bob fetches it as it was sent to him in a message.
        bob, bob_password = self.user("bob")
        bob_client = await self.login(bob, bob_password)
        alice.send_message(mto=bob, mbody=get_url, mtype="chat")
        message = await bob_client.expect_message(body=get_url)
        status, headers, body = await self.get(message["body"])
        self.assertEqual(status, 200)
        self.assertEqual(body, payload)
        self.assertEqual(headers.get("content-type"), "image/jpeg")
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")

        status, _, _ = await self.put(put_url, payload, "image/jpeg")
        self.assertEqual(status, 403, "a slot takes one file")

    async def test_refusals_say_why(self):
        alice = await self.login(*self.user("alice"))
        with self.assertRaises(IqError) as refused:
            await self.slot(alice, "huge.bin", MAX_FILE + 1)
        self.assertEqual(refused.exception.iq["error"]["condition"], "not-acceptable")
        limit = refused.exception.iq.xml.find(f".//{{{NS}}}max-file-size")
        self.assertIsNotNone(limit)
        self.assertEqual(limit.text, str(MAX_FILE))

        put_url, _ = await self.slot(alice, "a.txt", 10, "text/plain")
        status, _, body = await self.put(put_url, b"0123456789ABC", "text/plain")
        self.assertEqual(status, 400, body)
        status, _, _ = await self.put(put_url, b"0123456789", "text/html")
        self.assertEqual(status, 400, "another content type than the slot's")
        forged = put_url.rsplit("/", 2)[0] + "/" + "0" * 32 + "/a.txt"
        status, _, _ = await self.put(forged, b"0123456789", "text/plain")
        self.assertEqual(status, 403)
        status, _, _ = await self.put(put_url, b"0123456789", "text/plain")
        self.assertEqual(status, 201, "the slot outlived the refused attempts")

    async def test_the_quota_counts_what_a_user_stored(self):
        carol = await self.login(*self.user("carol"))
        for name in ("one.bin", "two.bin"):
            put_url, _ = await self.slot(carol, name, MAX_FILE)
            status, _, _ = await self.put(put_url, b"x" * MAX_FILE)
            self.assertEqual(status, 201)
        with self.assertRaises(IqError) as refused:
            await self.slot(carol, "three.bin", MAX_FILE)
        self.assertEqual(refused.exception.iq["error"]["condition"], "resource-constraint")
        # Another user has a quota of their own.
        dave = await self.login(*self.user("dave"))
        await self.slot(dave, "three.bin", MAX_FILE)

    async def test_a_browser_preflight_is_answered(self):
        alice = await self.login(*self.user("alice"))
        put_url, _ = await self.slot(alice, "a.txt", 3, "text/plain")
        status, headers, _ = await asyncio.to_thread(
            self.https().request, "OPTIONS", put_url, b"",
            {"Origin": "https://web.example", "Access-Control-Request-Method": "PUT",
             "Access-Control-Request-Headers": "content-type"})
        self.assertEqual(status, 204)
        self.assertEqual(headers.get("access-control-allow-origin"), "*")
        self.assertIn("PUT", headers.get("access-control-allow-methods", ""))


if __name__ == "__main__":
    unittest.main()
