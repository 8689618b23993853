"""c2s suite, part 4: hostile input over a raw socket (RFC 6120 sections 4.9, 8.1.2.1, 11).

Each test opens a fresh attacker connection, sends bad bytes, and checks that the server answers
with the stream error RFC 6120 mandates (or, where noted, closes the stream), keeps running, that
a session opened before the attack (the witnesses) still works, and that a new client can log in.
Runs against keyfed by default; E2E_TARGET=prosody validates it (documented differences in
harness/target.py)."""

import unittest
import xml.etree.ElementTree as ET

from harness.clients import EventTimeout
from harness.raw import NS_CLIENT, RawError, q
from harness.testcase import ServerTestCase

TEN_MB = 10 * 1024 * 1024



def billion_laughs() -> str:
    """The classic: lol9 expands to 10^9 "lol"s (3 GB) from a few hundred bytes."""
    entities = ["<!ENTITY lol 'lol'>", "<!ENTITY lol1 '" + "&lol;" * 10 + "'>"]
    entities += [f"<!ENTITY lol{i} '" + f"&lol{i - 1};" * 10 + "'>" for i in range(2, 10)]
    return "<?xml version='1.0'?><!DOCTYPE stream:stream [" + "".join(entities) + "]>"


class BadInput(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        # Two sessions that exist before the attack and must not notice it.
        alice, alice_pw = self.user("witness-a")
        bob, bob_pw = self.user("witness-b")
        self.witness_a = await self.login(alice, alice_pw)
        self.witness_b = await self.login(bob, bob_pw)

    async def assertUnaffected(self) -> None:
        body = f"after {self._testMethodName}"
        self.witness_a.send_message(mto=str(self.witness_b.boundjid), mbody=body, mtype="chat")
        await self.witness_b.expect_message(body=body)
        await self.assertServerStillServes()

    def attacker(self, *, authenticated: bool = False):
        """A raw stream after the stream header (plaintext), or logged in over TLS."""
        raw = self.raw()
        if authenticated:
            jid, password = self.user("mallory")
            raw.jid = raw.login(jid.split("@")[0], password)
        else:
            raw.open()
        return raw

    # --- XML that is not XML ----------------------------------------------------------------
    async def test_malformed_xml(self):
        raw = self.attacker()
        raw.send("<message to='x'><body>unbalanced</message>")
        self.assertStreamError(raw.wait_end(), "not-well-formed")
        await self.assertUnaffected()

    async def test_malformed_xml_after_authentication(self):
        raw = self.attacker(authenticated=True)
        raw.send("<message><body>a < b</body></message>")
        self.assertStreamError(raw.wait_end(), "not-well-formed")
        await self.assertUnaffected()

    async def test_forbidden_characters(self):
        # XML 1.0 excludes most C0 controls, raw or as character references.
        for payload in (b"<message><body>\x01</body></message>",
                        b"<message><body>&#0;</body></message>"):
            raw = self.attacker()
            raw.send(payload)
            self.assertStreamError(raw.wait_end(), "not-well-formed")
        await self.assertUnaffected()

    async def test_tls_handshake_on_the_starttls_port(self):
        # A client that speaks direct TLS to the STARTTLS port: binary garbage for the parser.
        raw = self.raw()
        raw.send(bytes.fromhex("16030100c4010000c00303") + bytes(range(32)) + b"\x00" * 64)
        end = raw.wait_end()
        self.assertTrue(end.terminated, end)
        await self.assertUnaffected()

    # --- size and depth ---------------------------------------------------------------------
    async def test_ten_megabyte_stanza_before_authentication(self):
        raw = self.attacker()
        raw.send(b"<message><body>" + b"A" * TEN_MB + b"</body></message>", timeout=20)
        end = raw.wait_end()
        self.assertTrue(end.terminated, f"the server read 10 MB and kept the stream: {end}")
        if end.condition is not None:  # a reset may swallow the error; the close is what counts
            self.assertStreamError(end, "policy-violation")
        await self.assertUnaffected()

    async def test_ten_megabyte_stanza_after_authentication(self):
        raw = self.attacker(authenticated=True)
        raw.send(f"<message to='{self.witness_b.boundjid}'><body>".encode() + b"A" * TEN_MB +
                 b"</body></message>", timeout=20)
        end = raw.wait_end()
        self.assertTrue(end.terminated, f"the server read 10 MB and kept the stream: {end}")
        if end.condition is not None:
            self.assertStreamError(end, "policy-violation")
        await self.witness_b.expect_no_event("message", within=0.5,
                                             predicate=lambda m: len(m["body"]) > 100_000)
        await self.assertUnaffected()

    async def test_ten_thousand_deep_nesting(self):
        raw = self.attacker()
        raw.send("<message><body>" + "<a>" * 10_000)
        self.assertStreamError(raw.wait_end(), "policy-violation")
        await self.assertUnaffected()

    async def test_deep_nesting_in_a_small_stanza_after_authentication(self):
        # 70 KB: under the stanza size limit, so only a depth limit stops it.
        raw = self.attacker(authenticated=True)
        raw.send(f"<message to='{raw.jid}'><body>" + "<a>" * 10_000 + "</a>" * 10_000 +
                 "</body></message>")
        end = raw.wait_end(timeout=3)
        if self.strict("depth-limit"):
            self.assertStreamError(end, "policy-violation")
        await self.assertUnaffected()

    # --- DTDs, entities, comments, processing instructions (RFC 6120 11.1) ------------------
    async def test_entity_expansion_billion_laughs(self):
        raw = self.raw()
        raw.send(billion_laughs() + raw.stream_header(xml_decl=False) +
                 "<message><body>&lol9;</body></message>")
        end = raw.wait_end()
        self.assertStreamError(end, "restricted-xml")
        self.assertLess(len(raw.received), 10_000, "the server expanded the entities")
        await self.assertUnaffected()

    async def test_undeclared_entity_reference(self):
        raw = self.attacker()
        raw.send("<message><body>&lol9;</body></message>")
        end = raw.wait_end()
        # RFC 6120 11.1 restricts entity references other than the five predefined ones.
        self.assertIn(end.condition, {"restricted-xml", "not-well-formed"}, end)
        self.assertTrue(end.terminated)
        await self.assertUnaffected()

    async def test_comment_and_processing_instruction(self):
        for payload in ("<!-- a comment -->", "<?php system('id'); ?>",
                        "<message><!-- hidden --><body>x</body></message>"):
            raw = self.attacker()
            raw.send(payload)
            self.assertStreamError(raw.wait_end(), "restricted-xml")
        await self.assertUnaffected()

    # --- encoding ---------------------------------------------------------------------------
    async def test_invalid_utf8(self):
        for bad in (b"\xff\xfe", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82"):
            raw = self.attacker()
            raw.send(b"<message><body>" + bad + b"</body></message>")
            self.assertStreamError(raw.wait_end(), "unsupported-encoding")
        await self.assertUnaffected()

    # --- the stream header ------------------------------------------------------------------
    async def test_unknown_host(self):
        raw = self.raw()
        raw.send(raw.stream_header(to="not-served-here.test"))
        self.assertStreamError(raw.wait_end(), "host-unknown")
        await self.assertUnaffected()

    async def test_wrong_stream_namespace(self):
        raw = self.raw()
        raw.send("<stream:stream xmlns='jabber:client' xmlns:stream='urn:not:streams' "
                 f"to='{self.domain}' version='1.0'>")
        self.assertStreamError(raw.wait_end(), "invalid-namespace")
        await self.assertUnaffected()

    async def test_unsupported_major_version(self):
        self.requires("unsupported-version")
        raw = self.raw()
        raw.send(raw.stream_header(version="2.0"))
        self.assertStreamError(raw.wait_end(), "unsupported-version")
        await self.assertUnaffected()

    # --- spoofing ---------------------------------------------------------------------------
    async def test_spoofed_from_is_replaced_or_refused(self):
        # RFC 6120 8.1.2.1: the server stamps the real full JID, or closes with <invalid-from/>.
        raw = self.attacker(authenticated=True)
        victim = self.witness_a.boundjid
        raw.send(f"<message to='{self.witness_b.boundjid}' from='{victim}' type='chat'>"
                 "<body>trust me, I am your friend</body></message>")
        try:
            message = await self.witness_b.expect_message(body="trust me, I am your friend",
                                                          timeout=3)
        except EventTimeout:
            self.assertStreamError(raw.wait_end(timeout=1), "invalid-from")
        else:
            self.assertEqual(str(message["from"]), raw.jid)
        raw.send(f"<presence to='{self.witness_b.boundjid}' from='{victim}'/>")
        try:
            presence = await self.witness_b.expect_presence(sender=raw.jid.split("/")[0],
                                                            timeout=3)
        except EventTimeout:
            self.assertTrue(raw.wait_end(timeout=1).terminated)
        else:
            self.assertEqual(str(presence["from"]), raw.jid)
        await self.assertUnaffected()

    async def test_iq_with_spoofed_from_gets_no_answer_to_the_victim(self):
        raw = self.attacker(authenticated=True)
        raw.send(f"<iq type='get' id='spoof1' from='{self.witness_a.boundjid}' "
                 f"to='{self.domain}'><ping xmlns='urn:xmpp:ping'/></iq>")
        # The answer, if any, goes to the real sender, never to the JID it claimed.
        try:
            reply = raw.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq") and
                                 e.get("id") == "spoof1", timeout=3)
        except RawError:
            self.assertStreamError(raw.wait_end(timeout=1), "invalid-from")
        else:
            self.assertEqual(reply.get("to"), raw.jid, ET.tostring(reply))
        await self.assertUnaffected()


if __name__ == "__main__":
    unittest.main(verbosity=2)
