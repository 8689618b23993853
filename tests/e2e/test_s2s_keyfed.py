"""Two keyfed servers federating: a.test on 127.0.0.1 and b.test on 127.0.0.2, static routes
instead of DNS, certificates from the test CA. Messages and presence cross both ways at each
rung of the trust ladder (verified, secure, trusted, pinned); a peer below the required rung is
refused with policy-violation; a peer revoked by a config reload loses its live streams within
a second (docs/federation.md). `keyfedctl s2s list` shows each live pair with its rung and
evidence (docs/admin.md)."""

from __future__ import annotations

import json
import time
import unittest

from harness.clients import Client, logged_in, quiet_slixmpp
from harness.dns_responder import DnsResponder
from harness.federation import s2s_section, spki_sha256, stanza_error, wait_for_log
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports
from harness.test_ca import TestCA, shared_ca

A_HOST, B_HOST = "127.0.0.1", "127.0.0.2"


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
class KeyfedFederation(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        quiet_slixmpp()
        self.servers: list[KeyfedServer] = []

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in getattr(self, "servers", []):
                server.dump_log(lines=120)
        return outcome

    def start_pair(self, *, s2s_a: dict, s2s_b: dict, tls: bool = True,
                   certs_a: dict | None = None, certs_b: dict | None = None,
                   ca_file_a=None, ca_file_b=None,
                   direct_tls: bool = False, dns_a: str | None = None,
                   ports_b: tuple[int, int] | None = None) -> tuple[KeyfedServer, KeyfedServer]:
        """a.test and b.test, each routing to the other; ``tls`` False: no certificates;
        ``direct_tls``: the routes name each other's s2s_direct_tls port (XEP-0368);
        ``dns_a``: a.test has no route but asks this DNS server; ``ports_b``: b.test's s2s
        and s2s_direct_tls ports, chosen by the caller."""
        (port_a,), (port_b,) = free_ports(1, A_HOST), free_ports(1, B_HOST)
        (tls_a,), (tls_b,) = free_ports(1, A_HOST), free_ports(1, B_HOST)
        if ports_b is not None:
            port_b, tls_b = ports_b
        direct_ports = {"a.test": tls_a, "b.test": tls_b}
        servers = []
        for domain, host, port, other, other_host, other_port, s2s, certs, ca_file in (
                ("a.test", A_HOST, port_a, "b.test", B_HOST, port_b, s2s_a, certs_a, ca_file_a),
                ("b.test", B_HOST, port_b, "a.test", A_HOST, port_a, s2s_b, certs_b, ca_file_b)):
            section = dict(s2s)
            if direct_tls:
                route = {"domain": other, "direct_tls": True,
                         "address": f"{other_host}:{direct_ports[other]}"}
            else:
                route = {"domain": other, "address": f"{other_host}:{other_port}"}
            if dns_a is not None and domain == "a.test":
                section["dns_servers"] = [dns_a]
            else:
                section.setdefault("route", [route])
            config = {"s2s": section}
            if not tls:
                certs = {domain: None}
            if certs is not None and certs.get(domain, True) is None:
                config["c2s"] = {"require_tls": False}  # no certificate, no TLS for clients
            if ca_file is not None:
                config["tls"] = {"ca_file": str(ca_file)}
            user = "alice" if domain == "a.test" else "bob"
            listeners, ports = ("c2s", "s2s"), {"s2s": port}
            if direct_tls or (ports_b is not None and domain == "b.test"):
                listeners += ("s2s_direct_tls",)
                ports["s2s_direct_tls"] = direct_ports[domain]
            server = KeyfedServer((domain,), host=host, listeners=listeners,
                                  ports=ports, users={f"{user}@{domain}": f"pw-{user}"},
                                  config=config, certs=certs)
            self.servers.append(server)
            self.addCleanup(server.cleanup)
            server.start()
            servers.append(server)
        return servers[0], servers[1]

    def clients(self, a: KeyfedServer, b: KeyfedServer, *, tls: bool = True,
                verify: bool = True) -> tuple[Client, Client]:
        options = {"verify": verify} if tls else {"starttls": False}
        alice = Client("alice@a.test", "pw-alice", address=(a.host, a.c2s_port),
                       ca_file=a.ca_file if verify else None, auto_subscription=True, **options)
        bob = Client("bob@b.test", "pw-bob", address=(b.host, b.c2s_port),
                     ca_file=b.ca_file if verify else None, auto_subscription=True, **options)
        return alice, bob

    async def exchange(self, a: KeyfedServer, b: KeyfedServer, *, tls: bool = True,
                       verify: bool = True) -> None:
        """Messages both ways, then a subscription after which presence flows both ways."""
        alice, bob = self.clients(a, b, tls=tls, verify=verify)
        async with logged_in(alice, bob):
            alice.send_message(mto="bob@b.test", mbody="hello from a.test", mtype="chat")
            message = await bob.expect_message(body="hello from a.test")
            self.assertEqual(message["from"], alice.boundjid)
            bob.send_message(mto=message["from"], mbody="hello from b.test", mtype="chat")
            await alice.expect_message(sender=str(bob.boundjid), body="hello from b.test")

            alice.send_presence_subscription(pto="bob@b.test")
            await alice.expect_presence(sender="bob@b.test", ptype="subscribed")
            await alice.expect_presence(sender=str(bob.boundjid), ptype="available")
            await bob.expect_presence(sender=str(alice.boundjid), ptype="available")
            bob.send_presence(pstatus="busy elsewhere")
            presence = await alice.expect_presence(sender=str(bob.boundjid), ptype="available",
                                                   timeout=10)
            self.assertIsNotNone(presence)

    def assertAdmitted(self, server: KeyfedServer, direction: str, local: str, peer: str,
                       level: str) -> str:
        arrow = "<-" if direction == "inbound" else "->"
        line = wait_for_log(server, f"allowed {direction} {local} {arrow} {peer} ")
        self.assertIn(f"level={level}", line)
        return line

    def assertListed(self, server: KeyfedServer, direction: str, local: str, peer: str,
                     level: str) -> dict:
        """The pair in `keyfedctl s2s list --json`, ready at `level`; also in the text form."""
        proc = server.ctl_run("s2s", "list", "--json")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        pairs = json.loads(proc.stdout)["pairs"]
        found = [p for p in pairs if (p["direction"], p["local"], p["remote"]) ==
                 (direction, local, peer)]
        self.assertEqual(len(found), 1, pairs)
        pair = found[0]
        self.assertEqual((pair["state"], pair["level"]), ("ready", level), pair)
        self.assertIn(f"level={level}", pair["evidence"])
        text = server.ctl_run("s2s", "list").stdout
        arrow = f"{peer} -> {local}" if direction == "in" else f"{local} -> {peer}"
        self.assertIn(f"{direction:<5}{arrow}  ready  {level}  ", text)
        return pair

    # --- the ladder ---------------------------------------------------------------------------
    async def test_trusted_certificates_and_sasl_external(self):
        a, b = self.start_pair(s2s_a=s2s_section(level="trusted"),
                               s2s_b=s2s_section(level="trusted"))
        await self.exchange(a, b)
        for server, local, peer in ((a, "a.test", "b.test"), (b, "b.test", "a.test")):
            line = self.assertAdmitted(server, "inbound", local, peer, "trusted")
            self.assertIn("sasl-external", line)
            self.assertIn("certificate=valid", line)
            self.assertAdmitted(server, "outbound", local, peer, "trusted")
            listed = self.assertListed(server, "in", local, peer, "trusted")
            self.assertIn("sasl-external", listed["evidence"])
            self.assertListed(server, "out", local, peer, "trusted")

    async def test_trusted_over_direct_tls(self):
        a, b = self.start_pair(s2s_a=s2s_section(level="trusted"),
                               s2s_b=s2s_section(level="trusted"), direct_tls=True)
        await self.exchange(a, b)
        for server, local, peer in ((a, "a.test", "b.test"), (b, "b.test", "a.test")):
            self.assertIn(", direct TLS)", wait_for_log(server, f"connecting to {peer} ("))
            self.assertAdmitted(server, "inbound", local, peer, "trusted")
            self.assertAdmitted(server, "outbound", local, peer, "trusted")

    async def test_srv_records_lead_to_the_peer(self):
        # a.test finds b.test through DNS (a responder of the test's own on loopback):
        # _xmpps-server (direct TLS) at the same priority as _xmpp-server is tried first.
        (port_b,), (tls_b,) = free_ports(1, B_HOST), free_ports(1, B_HOST)
        zone = {"_xmpps-server._tcp.b.test": {"SRV": [(10, 0, tls_b, "xmpp.b.test")]},
                "_xmpp-server._tcp.b.test": {"SRV": [(10, 0, port_b, "xmpp.b.test")]},
                "xmpp.b.test": {"A": [B_HOST]}}
        with DnsResponder(zone) as dns:
            a, b = self.start_pair(s2s_a=s2s_section(level="trusted"),
                                   s2s_b=s2s_section(level="trusted"), dns_a=dns.server,
                                   ports_b=(port_b, tls_b))
            await self.exchange(a, b)
            asked = {(name, qtype) for name, qtype, _ in dns.queries}
        self.assertIn(("_xmpps-server._tcp.b.test", "SRV"), asked)
        self.assertIn(("xmpp.b.test", "A"), asked)
        line = wait_for_log(a, "connecting to b.test (")
        self.assertIn(f"{B_HOST}:{tls_b}, direct TLS", line)
        self.assertAdmitted(a, "outbound", "a.test", "b.test", "trusted")

    async def test_pinned_self_signed_certificates(self):
        # No CA vouches for these certificates: only the pins make the peers acceptable.
        ca = shared_ca()
        cert_a, cert_b = ca.self_signed("a.test"), ca.self_signed("b.test")
        pins = {"a.test": spki_sha256(cert_a.cert), "b.test": spki_sha256(cert_b.cert)}
        a, b = self.start_pair(
            s2s_a=s2s_section(level="trusted",
                              peer=[{"domain": "b.test", "level": "pinned",
                                     "pin_sha256": [pins["b.test"]]}]),
            s2s_b=s2s_section(level="trusted",
                              peer=[{"domain": "a.test", "level": "pinned",
                                     "pin_sha256": [pins["a.test"]]}]),
            certs_a={"a.test": cert_a}, certs_b={"b.test": cert_b})
        await self.exchange(a, b, verify=False)  # (clients cannot verify self-signed either)
        for server, local, peer in ((a, "a.test", "b.test"), (b, "b.test", "a.test")):
            line = self.assertAdmitted(server, "inbound", local, peer, "pinned")
            self.assertIn("pin=matched", line)
            self.assertAdmitted(server, "outbound", local, peer, "pinned")

    async def test_secure_tls_with_dialback(self):
        # Each server trusts another CA: TLS works, certificates prove nothing, dialback does.
        other_ca = TestCA(shared_ca().dir / "other-ca")
        a, b = self.start_pair(s2s_a=s2s_section(level="secure"),
                               s2s_b=s2s_section(level="secure"),
                               ca_file_a=other_ca.cert, ca_file_b=other_ca.cert)
        await self.exchange(a, b)
        for server, local, peer in ((a, "a.test", "b.test"), (b, "b.test", "a.test")):
            line = self.assertAdmitted(server, "inbound", local, peer, "secure")
            self.assertIn("dialback", line)
            self.assertIn("certificate=invalid", line)
            self.assertAdmitted(server, "outbound", local, peer, "secure")
            listed = self.assertListed(server, "in", local, peer, "secure")
            self.assertIn("dialback", listed["evidence"])
            self.assertEqual(listed["address"], B_HOST if local == "a.test" else A_HOST)

    async def test_verified_dialback_without_tls(self):
        a, b = self.start_pair(s2s_a=s2s_section(level="verified", require_tls=False),
                               s2s_b=s2s_section(level="verified", require_tls=False), tls=False)
        await self.exchange(a, b, tls=False)
        for server, local, peer in ((a, "a.test", "b.test"), (b, "b.test", "a.test")):
            line = self.assertAdmitted(server, "inbound", local, peer, "verified")
            self.assertIn("no-tls", line)
            self.assertAdmitted(server, "outbound", local, peer, "verified")

    # --- refusals -----------------------------------------------------------------------------
    async def test_a_peer_below_the_required_level_is_refused(self):
        # a.test has no certificate: it can reach "secure" at best; b.test wants "trusted".
        a, b = self.start_pair(s2s_a=s2s_section(level="verified", require_tls=False),
                               s2s_b=s2s_section(level="trusted", require_tls=False),
                               certs_a={"a.test": None})
        alice = Client("alice@a.test", "pw-alice", address=(a.host, a.c2s_port),
                       starttls=False)
        async with logged_in(alice):
            alice.send_message(mto="bob@b.test", mbody="let me in", mtype="chat")
            bounce = await alice.wait_event(
                "message_error", predicate=lambda m: m["from"].bare == "bob@b.test")
        condition, text = stanza_error(bounce)
        self.assertEqual(condition, "policy-violation")
        self.assertIn("'trusted' is required", text or "")
        line = wait_for_log(b, "refused inbound b.test <- a.test")
        self.assertIn("'trusted' is required", line)
        self.assertIn("certificate=none", line)

    async def test_revoked_peer_loses_its_live_stream_after_keyfedctl_reload(self):
        a, b = self.start_pair(s2s_a=s2s_section(level="trusted"),
                               s2s_b=s2s_section(level="trusted"))
        alice, bob = self.clients(a, b)
        async with logged_in(alice, bob):
            alice.send_message(mto="bob@b.test", mbody="before", mtype="chat")
            await bob.expect_message(body="before")
            bob.send_message(mto="alice@a.test", mbody="ack", mtype="chat")
            await alice.expect_message(body="ack")

            started = time.monotonic()
            b.reconfigure({"s2s": {"deny_domains": ["a.test"]}})
            wait_for_log(b, "closing with policy-violation: a.test is on the deny list",
                         timeout=1.0)
            wait_for_log(a, "peer sent stream error policy-violation", timeout=1.0)
            self.assertLess(time.monotonic() - started, 3.0)  # reload + closes, generously

            alice.send_message(mto="bob@b.test", mbody="after", mtype="chat")
            bounce = await alice.wait_event(
                "message_error", predicate=lambda m: m["from"].bare == "bob@b.test")
            condition, text = stanza_error(bounce)
            self.assertEqual(condition, "policy-violation")
            self.assertIn("deny list", text or "")
            await bob.expect_no_event("message", within=1.0)

    async def test_revoked_pin_closes_the_stream_after_sighup(self):
        ca = shared_ca()
        cert_a, cert_b = ca.self_signed("a.test"), ca.self_signed("b.test")
        peer_a = [{"domain": "b.test", "level": "pinned", "pin_sha256": [spki_sha256(cert_b.cert)]}]
        peer_b = [{"domain": "a.test", "level": "pinned", "pin_sha256": [spki_sha256(cert_a.cert)]}]
        a, b = self.start_pair(s2s_a=s2s_section(level="trusted", peer=peer_a),
                               s2s_b=s2s_section(level="trusted", peer=peer_b),
                               certs_a={"a.test": cert_a}, certs_b={"b.test": cert_b})
        await self.exchange(a, b, verify=False)  # (clients cannot verify self-signed either)
        # b.test's administrator replaces a.test's pin (a key rollover a.test did not make).
        b.reconfigure({"s2s": {"peer": [{"domain": "a.test", "level": "pinned",
                                          "pin_sha256": ["00" * 32]}]}}, via="sighup")
        line = wait_for_log(b, "closing with policy-violation: a.test reaches", timeout=2.0)
        self.assertIn("'pinned' is required", line)


if __name__ == "__main__":
    unittest.main(verbosity=2)
