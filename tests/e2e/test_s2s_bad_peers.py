"""Peers that must not get in, against keyfed b.test (127.0.0.2, "trusted" required): a
certificate for the wrong name, an expired one, a self-signed one, a peer that strips STARTTLS
(both directions), a dialback key its domain's authoritative server does not confirm, and
stanzas whose addresses do not match what the stream authenticated. Each is refused with the
right error, and the refusal is logged with its reason."""

from __future__ import annotations

import base64
import secrets
import unittest

from harness.clients import Client, logged_in, quiet_slixmpp
from harness.federation import (NS_DIALBACK, NS_SASL, FakePeer, RawS2s, log_mark, q,
                                s2s_section, stanza_error, wait_for_log)
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports
from harness.raw import NS_TLS
from harness.test_ca import shared_ca

A_HOST, B_HOST = "127.0.0.1", "127.0.0.2"


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
class BadPeers(unittest.IsolatedAsyncioTestCase):
    """b.test runs for the whole class; each test brings its own bad peer."""

    @classmethod
    def setUpClass(cls) -> None:
        quiet_slixmpp()
        cls.port_a = free_ports(1, A_HOST)[0]
        cls.strip_peer = FakePeer("strip.test", host=A_HOST)
        cls.b = KeyfedServer(
            ("b.test",), host=B_HOST, listeners=("c2s", "s2s"), users={"bob@b.test": "pw-bob"},
            config={"s2s": s2s_section(level="trusted", routes={
                "a.test": (A_HOST, cls.port_a),
                "strip.test": (A_HOST, cls.strip_peer.port)})})
        try:
            cls.b.start()
        except BaseException:
            cls.b.cleanup()
            cls.strip_peer.close()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.b.cleanup()
        cls.strip_peer.close()

    def setUp(self) -> None:
        self.servers = [self.b]

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in getattr(self, "servers", []):
                server.dump_log(lines=80)
        return outcome

    def start_a(self, certs: dict | None = None) -> KeyfedServer:
        """a.test at the address b.test's route names; it accepts b.test at any level."""
        a = KeyfedServer(("a.test",), host=A_HOST, listeners=("c2s", "s2s"),
                         ports={"s2s": self.port_a}, users={"alice@a.test": "pw-alice"},
                         config={"s2s": s2s_section(level="verified", routes={
                             "b.test": (B_HOST, self.b.s2s_port)})}, certs=certs)
        self.servers.append(a)
        self.addCleanup(a.cleanup)
        a.start()
        return a

    def raw(self, **options) -> RawS2s:
        stream = RawS2s(B_HOST, self.b.s2s_port, from_domain=options.pop("from_domain", "a.test"),
                        to_domain="b.test", **options)
        self.addCleanup(stream.close)
        return stream

    # --- certificates that do not prove a.test ------------------------------------------------
    async def refused_for_certificate(self, files, problem: str) -> None:
        marker = secrets.token_hex(4)
        mark = log_mark(self.b)
        a = self.start_a(certs={"a.test": files})
        # (The certificate is bad on purpose: the client does not check it either.)
        alice = Client("alice@a.test", "pw-alice", address=(a.host, a.c2s_port), verify=False)
        async with logged_in(alice):
            alice.send_message(mto="bob@b.test", mbody=f"let me in {marker}", mtype="chat")
            bounce = await alice.wait_event(
                "message_error", predicate=lambda m: m["body"] == f"let me in {marker}",
                timeout=15)
        condition, text = stanza_error(bounce)
        self.assertEqual(condition, "policy-violation", text)
        self.assertIn("'trusted' is required", text or "")
        self.assertIn(problem, text or "")
        line = wait_for_log(self.b, f"refused inbound b.test <- a.test [{A_HOST}]", since=mark)
        self.assertIn(f"certificate=invalid({problem})", line)
        self.assertIn("'trusted' is required", line)
        # The stream was ended with the reason as the stream error's text.
        wait_for_log(a, "peer sent stream error policy-violation: a.test reaches")

    async def test_certificate_for_the_wrong_name(self):
        await self.refused_for_certificate(shared_ca().wrong_domain("a.test"), "name mismatch")

    async def test_expired_certificate(self):
        await self.refused_for_certificate(shared_ca().issue("a.test", expired=True,
                                                             client_auth=True), "expired")

    async def test_self_signed_certificate(self):
        await self.refused_for_certificate(shared_ca().self_signed("a.test"), "self-signed")

    # --- STARTTLS stripped --------------------------------------------------------------------
    async def test_peer_that_does_not_offer_starttls(self):
        mark = log_mark(self.b)
        bob = Client("bob@b.test", "pw-bob", address=(self.b.host, self.b.c2s_port),
                     ca_file=self.b.ca_file)
        async with logged_in(bob):
            bob.send_message(mto="someone@strip.test", mbody="in the clear?", mtype="chat")
            bounce = await bob.wait_event(
                "message_error", predicate=lambda m: m["from"].bare == "someone@strip.test")
        condition, text = stanza_error(bounce)
        self.assertEqual(condition, "remote-server-not-found")
        self.assertIn("does not offer STARTTLS", text or "")
        wait_for_log(self.b, "strip.test does not offer STARTTLS, which this server requires",
                     since=mark)
        # b.test told the peer why, and sent no dialback key in the clear.
        received = self.strip_peer.text()
        self.assertIn("policy-violation", received)
        self.assertNotIn("db:result", received)

    def test_incoming_dialback_without_tls_is_refused(self):
        raw = self.raw()
        features = raw.open()
        starttls = features.find(q(NS_TLS, "starttls"))
        self.assertIsNotNone(starttls)
        self.assertIsNotNone(starttls.find(q(NS_TLS, "required")))
        self.assertIsNone(features.find(q(NS_SASL, "mechanisms")))
        # Ignoring STARTTLS: dialback is answered with the XEP-0220 policy-violation error.
        raw.db_result("00" * 32)
        answer = raw.expect(q(NS_DIALBACK, "result"))
        self.assertEqual(answer.get("type"), "error")
        error = answer.find("{jabber:server}error")
        self.assertIsNotNone(error.find("{urn:ietf:params:xml:ns:xmpp-stanzas}policy-violation"))
        # And stanzas without an authenticated pair end the stream.
        raw.send("<message from='x@a.test' to='bob@b.test'><body>hi</body></message>")
        end = raw.wait_end()
        self.assertEqual(end.condition, "not-authorized")

    # --- dialback that its authoritative server does not confirm ----------------------------
    def test_dialback_key_not_confirmed_by_the_authoritative_server(self):
        mark = log_mark(self.b)
        self.start_a()  # the real a.test, which never made this key
        raw = self.raw()
        raw.open()
        raw.starttls()
        features = raw.open()
        # No client certificate: no SASL EXTERNAL; dialback is offered with errors.
        self.assertIsNone(features.find(q(NS_SASL, "mechanisms")))
        stream_id = raw.header["id"]
        # Unsolicited answers on an incoming stream are ignored (XEP-0220 security).
        raw.send(f"<db:verify from='a.test' to='b.test' id='{stream_id}' type='valid'/>")
        raw.send("<db:result from='a.test' to='b.test' type='valid'/>")
        raw.db_result("ab" * 32)
        answer = raw.expect(q(NS_DIALBACK, "result"), timeout=15)
        self.assertEqual(answer.get("type"), "invalid")
        end = raw.wait_end()
        self.assertEqual(end.condition, "not-authorized")
        line = wait_for_log(self.b, "refused a.test -> b.test: the authoritative server of "
                                    "a.test says the dialback key is invalid", since=mark)
        self.assertIn(A_HOST, line)
        wait_for_log(self.b, "ignored an unsolicited <db:verify type='valid'/>", since=mark)
        wait_for_log(self.b, "ignored an unsolicited <db:result type='valid'/>", since=mark)

    # --- addresses that do not match the authenticated pair -----------------------------------
    def authenticated_raw(self) -> RawS2s:
        files = shared_ca().issue("a.test", client_auth=True)
        raw = self.raw(client_cert=(files.chain, files.key))
        raw.open()
        raw.starttls()
        features = raw.open()
        mechanisms = [m.text for m in features.iter(q(NS_SASL, "mechanism"))]
        self.assertEqual(mechanisms, ["EXTERNAL"])
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        raw.expect(q(NS_SASL, "success"))
        raw.open()
        return raw

    def test_stanza_from_another_domain_is_invalid_from(self):
        raw = self.authenticated_raw()
        raw.send("<message from='mallory@evil.test' to='bob@b.test'><body>x</body></message>")
        end = raw.wait_end()
        self.assertEqual(end.condition, "invalid-from")

    def test_stanza_without_addresses_is_improper_addressing(self):
        raw = self.authenticated_raw()
        raw.send("<message to='bob@b.test'><body>who am I?</body></message>")
        end = raw.wait_end()
        self.assertEqual(end.condition, "improper-addressing")

    def test_stanza_for_a_domain_not_served_is_host_unknown(self):
        raw = self.authenticated_raw()
        raw.send("<message from='x@a.test' to='y@elsewhere.test'><body>relay?</body></message>")
        end = raw.wait_end()
        self.assertEqual(end.condition, "host-unknown")

    def test_sasl_external_for_a_domain_the_certificate_does_not_name(self):
        files = shared_ca().issue("a.test", client_auth=True)
        mark = log_mark(self.b)
        raw = self.raw(client_cert=(files.chain, files.key))
        raw.open()
        raw.starttls()
        raw.open()
        # The authorization identity names another domain than the certificate.
        authzid = base64.b64encode(b"bank.test").decode()
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>{authzid}</auth>")
        failure = raw.expect(q(NS_SASL, "failure"))
        self.assertIsNotNone(failure.find(q(NS_SASL, "not-authorized")))
        wait_for_log(self.b, "SASL EXTERNAL refused: the certificate does not prove bank.test",
                     since=mark)


if __name__ == "__main__":
    unittest.main(verbosity=2)
