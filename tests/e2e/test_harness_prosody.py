"""Proves the end-to-end harness against a real server: Prosody 0.12 with certificates from the
test CA, two accounts registered with prosodyctl, both logged in with slixmpp over STARTTLS
(certificate verified against the test CA), a message exchanged, presence seen."""

import ssl
import unittest

from harness.clients import (Client, LoginError, RegistrationError, logged_in, quiet_slixmpp,
                             register_account)
from harness.process import free_ports
from harness.prosody_server import ProsodyServer, prosody_available
from harness.raw import NS_TLS, RawStream, mechanisms, q

DOMAIN = "harness.test"


@unittest.skipUnless(prosody_available(), "prosody is not installed (make deps installs it)")
class HarnessAgainstProsody(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        quiet_slixmpp()
        cls.server = ProsodyServer((DOMAIN,), users={f"alice@{DOMAIN}": "alice-secret",
                                                    f"bob@{DOMAIN}": "bob-secret"})
        cls.server.__enter__()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.__exit__(None, None, None)

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            self.server.dump_log(lines=150)
        return outcome

    def client(self, user: str, password: str, **options) -> Client:
        return Client(f"{user}@{DOMAIN}", password, address=(self.server.host,
                                                               self.server.c2s_port),
                      ca_file=self.server.ca_file, **options)

    async def test_two_users_chat_and_see_presence_over_starttls(self):
        alice = self.client("alice", "alice-secret", auto_subscription=True)
        bob = self.client("bob", "bob-secret", auto_subscription=True)
        async with logged_in(alice, bob):
            for client in (alice, bob):
                self.assertIn(client.socket.version(), ("TLSv1.2", "TLSv1.3"))
                self.assertEqual(client.boundjid.domain, DOMAIN)
                self.assertTrue(client.boundjid.resource)

            alice.send_message(mto=f"bob@{DOMAIN}", mbody="hello bob", mtype="chat")
            message = await bob.expect_message(sender=f"alice@{DOMAIN}", body="hello bob")
            self.assertEqual(message["from"], alice.boundjid)
            bob.send_message(mto=message["from"], mbody="hello alice", mtype="chat")
            await alice.expect_message(sender=str(bob.boundjid), body="hello alice")

            # Subscription handshake (slixmpp approves automatically here), then presence flows.
            alice.send_presence_subscription(pto=f"bob@{DOMAIN}")
            await alice.expect_presence(sender=f"bob@{DOMAIN}", ptype="subscribed")
            await bob.expect_presence(sender=str(alice.boundjid), ptype="available")
            await alice.expect_presence(sender=str(bob.boundjid), ptype="available")
            roster = await alice.roster_items()
            self.assertEqual(roster[f"bob@{DOMAIN}"]["subscription"], "both")

    async def test_in_band_registration_helper(self):
        address = (self.server.host, self.server.c2s_port)
        await register_account(address, DOMAIN, "carol", "carol-secret",
                               ca_file=self.server.ca_file)
        async with logged_in(self.client("carol", "carol-secret")) as (carol,):
            self.assertEqual(carol.boundjid.bare, f"carol@{DOMAIN}")
        with self.assertRaises(RegistrationError) as failure:
            await register_account(address, DOMAIN, "carol", "other",
                                   ca_file=self.server.ca_file)
        self.assertEqual(failure.exception.condition, "conflict")

    async def test_wrong_password_is_refused(self):
        mallory = self.client("alice", "not-the-password", mechanism="SCRAM-SHA-1")
        with self.assertRaises(LoginError) as failure:
            await mallory.login(timeout=10)
        self.assertEqual(failure.exception.event, "failed_auth")
        self.assertEqual(failure.exception.detail["condition"], "not-authorized")

    async def test_certificate_from_another_ca_is_rejected_by_the_client(self):
        # Without the test CA the client must not trust the server: the harness really verifies.
        client = Client(f"alice@{DOMAIN}", "alice-secret",
                        address=(self.server.host, self.server.c2s_port))
        client.ssl_context.load_default_certs()
        with self.assertRaises(LoginError) as failure:
            await client.login(timeout=10)
        self.assertEqual(failure.exception.event, "ssl_invalid_chain")

    def test_raw_stream_offers_only_starttls_before_tls(self):
        with RawStream(self.server.host, self.server.c2s_port, domain=DOMAIN,
                       ca_file=self.server.ca_file) as raw:
            features = raw.open()
            self.assertIsNotNone(features.find(q(NS_TLS, "starttls")))
            self.assertEqual(mechanisms(features), [])
            raw.starttls()
            self.assertIsInstance(raw.sock, ssl.SSLSocket)
            self.assertIn("SCRAM-SHA-1", mechanisms(raw.open()))


@unittest.skipUnless(prosody_available(), "prosody is not installed (make deps installs it)")
class FederationBetweenTwoProsodys(unittest.IsolatedAsyncioTestCase):
    """Two Prosodys federate over s2s on loopback: the test CA's certificates satisfy real
    certificate-based s2s authentication (s2s_secure_auth), and the static routes replace DNS."""

    async def test_message_crosses_servers(self):
        quiet_slixmpp()
        port_a, port_b = free_ports(2)
        server_a = ProsodyServer(("a.test",), users={"alice@a.test": "pw-a"},
                                 listeners=("c2s", "s2s"), ports={"s2s": port_a},
                                 s2s_routes={"b.test": ("127.0.0.1", port_b)})
        server_b = ProsodyServer(("b.test",), users={"bob@b.test": "pw-b"},
                                 listeners=("c2s", "s2s"), ports={"s2s": port_b},
                                 s2s_routes={"a.test": ("127.0.0.1", port_a)})
        with server_a, server_b:
            try:
                alice = Client("alice@a.test", "pw-a", ca_file=server_a.ca_file,
                               address=(server_a.host, server_a.c2s_port))
                bob = Client("bob@b.test", "pw-b", ca_file=server_b.ca_file,
                             address=(server_b.host, server_b.c2s_port))
                async with logged_in(alice, bob):
                    alice.send_message(mto="bob@b.test", mbody="across the federation",
                                       mtype="chat")
                    message = await bob.expect_message(body="across the federation")
                    self.assertEqual(message["from"], alice.boundjid)
                    bob.send_message(mto=message["from"], mbody="and back", mtype="chat")
                    await alice.expect_message(sender=str(bob.boundjid), body="and back")
                # Each side checked the other's certificate chain and identity (s2s_secure_auth
                # would have refused the stream otherwise).
                for server in (server_a, server_b):
                    log = server.log_text()
                    self.assertIn("certificate chain validation result: valid", log)
                    self.assertIn("certificate identity validation result: valid", log)
            except BaseException:
                server_a.dump_log(lines=80)
                server_b.dump_log(lines=80)
                raise


if __name__ == "__main__":
    unittest.main(verbosity=2)
