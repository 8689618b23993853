"""The harness's own pieces that need no server: test CA, TOML writer, free ports, SCRAM."""

import base64
import hashlib
import hmac
import socket
import subprocess
import tempfile
import tomllib
import unittest

from harness import toml_writer
from harness.process import free_ports
from harness.scram import ScramClient, ScramError
from harness.test_ca import DNS_SRV_OID, XMPP_ADDR_OID, make_self_signed, shared_ca


def openssl(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=30,
                          check=False)


class TestCertificateAuthority(unittest.TestCase):
    def test_leaf_chains_to_the_ca_and_names_the_domain(self):
        ca = shared_ca()
        leaf = ca.issue("chat.example.test", client_auth=True)
        verify = openssl("verify", "-CAfile", str(ca.cert), "-purpose", "sslserver",
                         "-verify_hostname", "chat.example.test", str(leaf.cert))
        self.assertEqual(verify.returncode, 0, verify.stderr)
        verify = openssl("verify", "-CAfile", str(ca.cert), "-purpose", "sslclient",
                         str(leaf.cert))
        self.assertEqual(verify.returncode, 0, verify.stderr)
        wildcard = openssl("verify", "-CAfile", str(ca.cert), "-verify_hostname",
                           "muc.chat.example.test", str(leaf.cert))
        self.assertEqual(wildcard.returncode, 0, wildcard.stderr)
        text = openssl("x509", "-in", str(leaf.cert), "-noout", "-text").stdout
        self.assertIn("XmppAddr::chat.example.test", text)
        self.assertIn("SRVName::_xmpp-server.chat.example.test", text)
        self.assertIn("SRVName::_xmpp-client.chat.example.test", text)
        self.assertIn("TLS Web Client Authentication", text)

    def test_issue_is_cached(self):
        ca = shared_ca()
        self.assertEqual(ca.issue("cache.example.test"), ca.issue("cache.example.test"))

    def test_without_client_auth_the_certificate_is_server_only(self):
        ca = shared_ca()
        leaf = ca.issue("serveronly.example.test", srv_id=False, xmpp_addr=False)
        verify = openssl("verify", "-CAfile", str(ca.cert), "-purpose", "sslclient",
                         str(leaf.cert))
        self.assertNotEqual(verify.returncode, 0)
        text = openssl("x509", "-in", str(leaf.cert), "-noout", "-text").stdout
        self.assertNotIn("XmppAddr", text)
        self.assertNotIn("SRVName", text)

    def test_negative_variants_fail_verification(self):
        ca = shared_ca()
        expired = ca.issue("old.example.test", expired=True)
        result = openssl("verify", "-CAfile", str(ca.cert), str(expired.cert))
        self.assertIn("expired", result.stdout + result.stderr)
        wrong = ca.wrong_domain("right.example.test")
        result = openssl("verify", "-CAfile", str(ca.cert), "-verify_hostname",
                         "right.example.test", str(wrong.cert))
        self.assertNotEqual(result.returncode, 0)
        selfsigned = ca.self_signed("lonely.example.test")
        result = openssl("verify", "-CAfile", str(ca.cert), str(selfsigned.cert))
        self.assertNotEqual(result.returncode, 0)

    def test_rsa_keys_and_hostname_checking(self):
        ca = shared_ca()
        leaf = ca.issue("rsa.example.test", key_type="rsa")
        text = openssl("x509", "-in", str(leaf.cert), "-noout", "-text").stdout
        self.assertIn("rsaEncryption", text)
        with self.assertRaises(ValueError):
            ca.issue("bad domain; rm -rf")
        self.assertEqual(XMPP_ADDR_OID, "1.3.6.1.5.5.7.8.5")
        self.assertEqual(DNS_SRV_OID, "1.3.6.1.5.5.7.8.7")

    def test_self_signed_helper_is_idempotent(self):
        with tempfile.TemporaryDirectory() as directory:
            first = make_self_signed(directory, "localhost")
            content = first.cert.read_bytes()
            second = make_self_signed(directory, "localhost")
            self.assertEqual(second.cert.read_bytes(), content)


class TestTomlWriter(unittest.TestCase):
    def test_round_trip_through_tomllib(self):
        document = {
            "server": {"data_dir": "data", "log_level": "debug", "quoted key": 'a "b" \\ c\n'},
            "limits": {"c2s_stanza_size": 262144, "ratio": 0.5},
            "c2s": {"require_tls": True, "mechanisms": ["SCRAM-SHA-256", "PLAIN"]},
            "virtual_host": [{"domain": "a.test"}, {"domain": "b.test", "extra": {"x": 1}}],
            "listener": [{"type": "c2s", "address": "127.0.0.1", "port": 5222}],
        }
        self.assertEqual(tomllib.loads(toml_writer.dumps(document)), document)

    def test_unsupported_values_are_refused(self):
        with self.assertRaises(TypeError):
            toml_writer.dumps({"a": None})
        with self.assertRaises(TypeError):
            toml_writer.dumps({"a": float("nan")})

    def test_deep_merge(self):
        base = {"c2s": {"require_tls": True, "allow_registration": False}, "x": [1, 2]}
        merged = toml_writer.deep_merge(base, {"c2s": {"allow_registration": True}, "x": [3],
                                               "y": None})
        self.assertEqual(merged, {"c2s": {"require_tls": True, "allow_registration": True},
                                  "x": [3]})
        self.assertEqual(toml_writer.deep_merge(base, {"c2s": None}), {"x": [1, 2]})
        self.assertFalse(base["c2s"]["allow_registration"])


class TestPortsAndScram(unittest.TestCase):
    def test_free_ports_are_distinct_and_bindable(self):
        ports = free_ports(4)
        self.assertEqual(len(set(ports)), 4)
        for port in ports:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port))

    def test_scram_sha1_matches_rfc5802_example(self):
        # RFC 5802 section 5: user "user", password "pencil".
        client = ScramClient("SCRAM-SHA-1", "user", "pencil")
        client.nonce = "fyko+d2lbbFgONRv9qkxdawL"
        client.first_bare = b"n=user,r=fyko+d2lbbFgONRv9qkxdawL"
        self.assertEqual(client.first(), b"n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")
        final = client.final(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                             b"s=QSXCR+Q6sek8bf92,i=4096")
        self.assertEqual(final, b"c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                                b"p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")
        client.verify(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
        with self.assertRaises(ScramError):
            client.verify(b"v=" + base64.b64encode(hmac.digest(b"k", b"m", hashlib.sha1)))

    def test_scram_sha256_matches_rfc7677_example(self):
        client = ScramClient("SCRAM-SHA-256", "user", "pencil")
        client.nonce = "rOprNGfwEbeRWgbNEkqO"
        client.first_bare = b"n=user,r=rOprNGfwEbeRWgbNEkqO"
        final = client.final(b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                             b"s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
        self.assertEqual(final, b"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                b"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")
        client.verify(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")

    def test_scram_refuses_a_nonce_that_does_not_extend_ours(self):
        client = ScramClient("SCRAM-SHA-1", "user", "pencil")
        with self.assertRaises(ScramError):
            client.final(b"r=someone-elses-nonce,s=QSXCR+Q6sek8bf92,i=4096")


if __name__ == "__main__":
    unittest.main(verbosity=2)
