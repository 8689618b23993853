"""c2s suite, part 1: TLS and authentication (RFC 6120 sections 5-7, RFC 5802/7677, RFC 9266,
XEP-0368, XEP-0440). Runs against keyfed by default; E2E_TARGET=prosody validates it."""

import ssl
import unittest
import warnings
import xml.etree.ElementTree as ET

from harness.clients import LoginError
from harness.raw import (NS_BIND, NS_SASL, NS_TLS, RawError, channel_bindings, mechanisms, q,
                         sasl_condition)
from harness.scram import ChannelBindingUnavailable
from harness.testcase import ServerTestCase


class TlsRequired(ServerTestCase):
    def test_before_tls_only_starttls_is_offered_and_it_is_required(self):
        raw = self.raw()
        features = raw.open()
        starttls = features.find(q(NS_TLS, "starttls"))
        self.assertIsNotNone(starttls, "STARTTLS must be offered on the c2s port")
        # RFC 6120 5.3.1: mandatory-to-negotiate TLS is flagged <required/>, and no SASL yet.
        self.assertIsNotNone(starttls.find(q(NS_TLS, "required")))
        self.assertEqual(mechanisms(features), [])

    def test_plaintext_auth_is_refused(self):
        jid, password = self.user("plain")
        raw = self.raw()
        raw.open()
        reply = raw.auth_plain(jid.split("@")[0], password)
        # RFC 6120 6.4.5: <encryption-required/>; never <success/> over plaintext.
        self.assertEqual(reply.tag, q(NS_SASL, "failure"), ET.tostring(reply))
        self.assertEqual(sasl_condition(reply), "encryption-required")

    def test_tls_1_1_is_refused(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            raw = self.raw(tls_min=ssl.TLSVersion.TLSv1, tls_max=ssl.TLSVersion.TLSv1_1)
        raw.open()
        with self.assertRaises((ssl.SSLError, OSError, RawError)):
            raw.starttls()

    async def test_tls_1_2_and_1_3_work(self):
        jid, password = self.user("tlsver")
        for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            client = await self.login(jid, password, tls_max=version)
            self.assertEqual(client.socket.version(), version.name.replace("v1_", "v1."))
            await client.close()

    async def test_direct_tls_port(self):
        # XEP-0368: TLS from the first byte, then the same stream negotiation minus STARTTLS.
        jid, password = self.user("direct")
        client = await self.login(jid, password, direct_tls=True)
        self.assertIsInstance(client.socket, (ssl.SSLSocket, ssl.SSLObject))
        raw = self.raw(direct_tls=True)
        features = raw.open()
        self.assertIsNone(features.find(q(NS_TLS, "starttls")))
        self.assertNotEqual(mechanisms(features), [])

    async def test_certificate_is_verified_by_the_client_for_the_domain(self):
        # The server presents the certificate of the requested virtual host (SNI + 'to').
        jid, password = self.user("verify")
        client = await self.login(jid, password)
        peer = client.socket.getpeercert()
        names = [value for kind, value in peer.get("subjectAltName", ()) if kind == "DNS"]
        self.assertIn(self.domain, names)


class Sasl(ServerTestCase):
    def tls_features(self, **options):
        raw = self.raw(**options)
        raw.open()
        raw.starttls()
        return raw, raw.open()

    async def login_with(self, mechanism: str, **options):
        self.requires(mechanism)
        raw, features = self.tls_features()
        self.assertIn(mechanism, mechanisms(features))
        jid, password = self.user(mechanism.lower().replace("-", ""))
        client = await self.login(jid, password, mechanism=mechanism, **options)
        self.assertEqual(client.mechanism_used, mechanism)
        client.send_message(mto=str(client.boundjid), mbody="authenticated")
        await client.expect_message(body="authenticated")

    async def test_scram_sha_1(self):
        await self.login_with("SCRAM-SHA-1")

    async def test_scram_sha_256(self):
        await self.login_with("SCRAM-SHA-256")

    async def test_plain_over_tls(self):
        await self.login_with("PLAIN")

    async def test_scram_plus_tls_unique_with_slixmpp(self):
        # slixmpp's -PLUS speaks tls-unique only (TLS 1.2). Servers that bind with tls-exporter
        # alone (as RFC 9266 recommends) are covered by the raw-client tests below.
        raw, features = self.tls_features(tls_max=ssl.TLSVersion.TLSv1_2)
        bindings = channel_bindings(features)
        if "SCRAM-SHA-1-PLUS" not in mechanisms(features) or (bindings and
                                                              "tls-unique" not in bindings):
            self.skipTest("server does not offer tls-unique channel binding")
        jid, password = self.user("plusunique")
        client = await self.login(jid, password, mechanism="SCRAM-SHA-1-PLUS",
                                  tls_max=ssl.TLSVersion.TLSv1_2)
        self.assertEqual(client.mechanism_used, "SCRAM-SHA-1-PLUS")

    def scram_plus_exporter(self, mechanism: str, **tls):
        self.requires("tls-exporter")
        jid, password = self.user("plus")
        raw, features = self.tls_features(**tls)
        self.assertIn("tls-exporter", channel_bindings(features),
                      "XEP-0440: the server must advertise the tls-exporter channel binding")
        self.assertIn(mechanism, mechanisms(features))
        try:
            reply = raw.auth_scram(mechanism, jid.split("@")[0], password,
                                   cb_type="tls-exporter")
        except ChannelBindingUnavailable as exc:
            self.skipTest(f"this Python cannot export TLS keying material: {exc}")
        self.assertEqual(reply.tag, q(NS_SASL, "success"), ET.tostring(reply))
        raw.open()
        self.assertTrue(raw.bind().startswith(jid + "/"))

    def test_scram_sha_256_plus_tls_exporter_tls13(self):
        self.scram_plus_exporter("SCRAM-SHA-256-PLUS", tls_max=ssl.TLSVersion.TLSv1_3)

    def test_scram_sha_1_plus_tls_exporter_tls12(self):
        # RFC 9266 needs the extended master secret under TLS 1.2 (OpenSSL 3 negotiates it).
        self.scram_plus_exporter("SCRAM-SHA-1-PLUS", tls_max=ssl.TLSVersion.TLSv1_2)

    def plus_session(self):
        """A TLS session where the server offers a -PLUS mechanism: (raw, mechanism, cb type).

        Tries the default TLS version first, then TLS 1.2 (where tls-unique is defined).
        """
        for tls_max in (None, ssl.TLSVersion.TLSv1_2):
            raw, features = self.tls_features(tls_max=tls_max)
            plus = [m for m in mechanisms(features) if m.endswith("-PLUS")]
            bindings = channel_bindings(features)
            self.last_bindings = bindings
            if plus and "tls-exporter" in bindings:
                return raw, plus[0], "tls-exporter"
            if plus and raw.sock.version() == "TLSv1.2" and (not bindings or
                                                              "tls-unique" in bindings):
                return raw, plus[0], "tls-unique"
            raw.close()
        self.skipTest("the server offers no -PLUS mechanism")

    def test_plus_with_wrong_binding_data_fails(self):
        jid, password = self.user("badcb")
        raw, mechanism, cb_type = self.plus_session()
        # Binding data of another TLS session, as a man in the middle would have.
        reply = raw.auth_scram(mechanism, jid.split("@")[0], password, cb_type=cb_type,
                               cb_data=bytes(32))
        self.assertEqual(reply.tag, q(NS_SASL, "failure"), ET.tostring(reply))
        # RFC 5802 "channel-bindings-dont-match"; Prosody reports it as malformed-request.
        self.assertIn(sasl_condition(reply), ("not-authorized", "malformed-request"))

    def test_plus_with_the_right_binding_succeeds(self):
        jid, password = self.user("goodcb")
        raw, mechanism, cb_type = self.plus_session()
        try:
            reply = raw.auth_scram(mechanism, jid.split("@")[0], password, cb_type=cb_type)
        except ChannelBindingUnavailable as exc:
            self.skipTest(f"this Python cannot compute {cb_type}: {exc}")
        self.assertEqual(reply.tag, q(NS_SASL, "success"), ET.tostring(reply))

    def test_downgrade_flag_y_is_refused_when_plus_is_offered(self):
        # RFC 5802 section 6: 'y' says "I support binding but think you don't"; a server that
        # offered tls-unique (the binding every RFC 5802 client implements) must then fail the
        # exchange. A server binding with tls-exporter only accepts 'y' from clients that lack
        # it, such as slixmpp 1.8 (docs/sasl.md, "The y flag on c2s") - with the right password.
        jid, password = self.user("downgrade")
        raw, mechanism, _ = self.plus_session()
        offers_unique = "tls-unique" in self.last_bindings or not self.last_bindings
        reply = raw.auth_scram(mechanism.removesuffix("-PLUS"), jid.split("@")[0], password,
                               cb_flag="y")
        expected = "failure" if offers_unique else "success"
        self.assertEqual(reply.tag, q(NS_SASL, expected), ET.tostring(reply))
        if not offers_unique:
            raw, mechanism, _ = self.plus_session()
            wrong = raw.auth_scram(mechanism.removesuffix("-PLUS"), jid.split("@")[0],
                                   "not-the-password", cb_flag="y")
            self.assertEqual(wrong.tag, q(NS_SASL, "failure"), ET.tostring(wrong))

    async def test_wrong_password(self):
        jid, _ = self.user("victim")
        for mechanism in ("SCRAM-SHA-1", "PLAIN"):
            client = self.client(jid, "wrong password", mechanism=mechanism)
            with self.assertRaises(LoginError) as failure:
                await client.login()
            self.assertEqual(failure.exception.event, "failed_auth", mechanism)
            self.assertEqual(failure.exception.detail["condition"], "not-authorized", mechanism)

    async def test_unknown_user_looks_like_a_wrong_password(self):
        # No account enumeration: the same condition as a wrong password.
        client = self.client(f"nobody-here@{self.domain}", "whatever", mechanism="SCRAM-SHA-1")
        with self.assertRaises(LoginError) as failure:
            await client.login()
        self.assertEqual(failure.exception.detail["condition"], "not-authorized")

    def test_scram_server_signature_proves_the_server_knows_the_key(self):
        # auth_scram verifies the server-final-message signature; a success that passes it
        # means the server holds the right salted key, not just that it said yes.
        jid, password = self.user("mutual")
        raw, features = self.tls_features()
        reply = raw.auth_scram("SCRAM-SHA-1", jid.split("@")[0], password)
        self.assertEqual(reply.tag, q(NS_SASL, "success"))

    def test_malformed_sasl_is_a_failure_not_a_crash(self):
        raw, _ = self.tls_features()
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='SCRAM-SHA-1'>!!!notbase64</auth>")
        reply = raw.next_element()
        self.assertEqual(reply.tag, q(NS_SASL, "failure"), ET.tostring(reply))
        self.assertIn(sasl_condition(reply), ("incorrect-encoding", "malformed-request",
                                              "not-authorized"))

    def test_unknown_mechanism(self):
        raw, _ = self.tls_features()
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='X-NOT-A-MECHANISM'/>")
        reply = raw.next_element()
        self.assertEqual(sasl_condition(reply), "invalid-mechanism")


class Binding(ServerTestCase):
    async def test_server_generates_a_resource_when_none_is_asked(self):
        jid, password = self.user("noresource")
        client = await self.login(jid, password)
        self.assertEqual(client.boundjid.bare, jid)
        self.assertTrue(client.boundjid.resource)

    async def test_requested_resource_is_used(self):
        jid, password = self.user("withresource")
        client = await self.login(f"{jid}/laptop", password)
        self.assertEqual(str(client.boundjid), f"{jid}/laptop")

    async def test_resource_conflict(self):
        # RFC 6120 7.7.2.2: the server may terminate the old session with <conflict/>, refuse the
        # new binding, or assign another resource; any of them, but never two sessions with one
        # full JID.
        jid, password = self.user("conflict")
        first = await self.login(f"{jid}/phone", password)
        second = self.client(f"{jid}/phone", password)
        try:
            await second.login()
        except LoginError:
            return  # refused: the old session keeps the resource
        if str(second.boundjid) != f"{jid}/phone":
            first.send_message(mto=str(first.boundjid), mbody="still bound")
            await first.expect_message(body="still bound")
            return
        error = await first.wait_event("stream_error")
        self.assertEqual(error["condition"], "conflict")
        second.send_message(mto=f"{jid}/phone", mbody="to the new session")
        await second.expect_message(body="to the new session")

    def test_bind_before_authentication_is_refused(self):
        raw = self.raw()
        raw.open()
        raw.starttls()
        raw.open()
        raw.send(f"<iq type='set' id='b1'><bind xmlns='{NS_BIND}'/></iq>")
        end = raw.wait_end(timeout=3)
        results = [e for e in raw.elements if e.get("type") == "result"]
        self.assertEqual(results, [], "a bind result before SASL")
        if self.strict("not-authorized-before-auth"):
            # RFC 6120 4.9.3.20: stanzas before authentication -> <not-authorized/>.
            self.assertStreamError(end, "not-authorized")


if __name__ == "__main__":
    unittest.main(verbosity=2)
