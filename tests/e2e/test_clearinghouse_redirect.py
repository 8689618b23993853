"""The clearinghouse's redirection service end to end (issue 7, docs/clearinghouse.md,
"Redirection service").

ch.test (127.0.60.1) keeps the community table in redirection mode: a.test and b.test at
level 3, c.test at level 1, and the clearinghouse needs level 2 at both ends. Every member's
static routes put the clearinghouse first for every other domain (the highest-priority SRV
record of the essay) and the domain's real address second (the lower-priority record). The
members themselves federate with any peer that proves its domain with a certificate: in this
model the clearinghouse is what decides. Real keyfeds, real TLS (the test CA), real SQLite,
slixmpp clients; the clearinghouse's key from the built keynote CLI."""

from __future__ import annotations

import unittest

from harness.clients import Client, logged_in
from harness.community import CommunityCase, community_available
from harness.federation import RawS2s, log_mark, q, stanza_error, wait_for_log
from harness.raw import NS_STREAM
from harness.keyfed_server import KeyfedServer
from harness.test_ca import shared_ca

HOSTS = {"ch.test": "127.0.60.1", "a.test": "127.0.60.11", "b.test": "127.0.60.12",
         "c.test": "127.0.60.13"}
LEVELS = {"a.test": 3, "b.test": 3, "c.test": 1}
USERS = {"a.test": "alice", "b.test": "bob", "c.test": "carol"}
IMPOSTOR = "127.0.60.14"  # a server claiming b.test with another domain's certificate


@unittest.skipUnless(community_available(),
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class Redirection(CommunityCase):
    HOSTS = HOSTS
    USERS = USERS

    def address(self, domain: str) -> str:
        return f"{HOSTS[domain]}:{self.ports[domain]}"

    def start(self, domain: str, s2s: dict, extra: dict | None = None) -> KeyfedServer:
        section = {"minimum_level": "trusted", "require_tls": True, "default": "allow",
                   "connect_timeout": 2, **s2s}
        return self.start_server(domain, {"s2s": section, **(extra or {})})

    def start_community(self, fallback: str = "next_record") -> None:
        """The clearinghouse in redirection mode with the three rows, then the members."""
        ch = self.start("ch.test", {"route": [{"domain": d, "address": self.address(d)}
                                              for d in LEVELS]},
                        {"clearinghouse": {"enabled": True, "jid": "ch.test",
                                           "private_key_file": str(self.out / "ch.key"),
                                           "redirect": True, "redirect_minimum_level": 2}})
        for domain, level in LEVELS.items():
            self.ctl_ok(ch, "clearinghouse", "set", domain, str(level),
                        "--redirect-to", self.address(domain))
        for domain in LEVELS:
            # The clearinghouse first for every peer, the peer's own address second.
            routes = []
            for peer in LEVELS:
                if peer != domain:
                    routes += [{"domain": peer, "address": self.address("ch.test")},
                               {"domain": peer, "address": self.address(peer)}]
            self.start(domain, {"route": routes,
                                "redirect": {"redirectors": ["ch.test"], "max_redirects": 2,
                                             "fallback": fallback}})

    async def bounced(self, sender: Client, to: str, body: str) -> tuple[str, str]:
        sender.send_message(mto=to, mbody=body, mtype="chat")
        bounce = await sender.wait_event("message_error",
                                         predicate=lambda m: m["from"].bare == to)
        return stanza_error(bounce)

    # --- the clearinghouse answers ------------------------------------------------------
    async def test_an_allowed_pair_is_redirected_to_the_target_whose_certificate_is_checked(self):
        self.start_community()
        ch, a, b = self.servers["ch.test"], self.servers["a.test"], self.servers["b.test"]
        alice, bob = self.client("a.test"), self.client("b.test")
        async with logged_in(alice, bob):
            alice.send_message(mto="bob@b.test", mbody="via the clearinghouse", mtype="chat")
            await bob.expect_message(body="via the clearinghouse", timeout=10)
            bob.send_message(mto="alice@a.test", mbody="and back", mtype="chat")
            await alice.expect_message(body="and back", timeout=10)

        # a.test met the clearinghouse first, was sent on, and checked b.test's certificate
        # on the new connection (certificate=valid: proven for b.test, not ch.test).
        wait_for_log(a, f"ch.test ({HOSTS['ch.test']}) redirects a.test -> b.test "
                        f"to {self.address('b.test')} (redirect 1 of at most 2)")
        allowed = wait_for_log(a, "s2s policy: allowed outbound a.test -> b.test")
        self.assertIn(f"[{HOSTS['b.test']}]", allowed)
        self.assertIn("certificate=valid", allowed)
        wait_for_log(b, f"ch.test ({HOSTS['ch.test']}) redirects b.test -> a.test")
        # The clearinghouse authenticated a.test (SASL EXTERNAL) before answering.
        wait_for_log(ch, "redirect a.test -> b.test (127.0.60.11, sasl-external): "
                         f"see-other-host {self.address('b.test')}")
        audit = self.ctl_ok(ch, "audit", "--event", "clearinghouse-redirect")
        self.assertIn("see-other-host", audit)
        self.assertIn(f"a.test -> b.test to {self.address('b.test')}", audit)

    async def test_a_refused_pair_gets_policy_violation(self):
        self.start_community()
        ch, a = self.servers["ch.test"], self.servers["a.test"]
        alice, carol = self.client("a.test"), self.client("c.test")
        async with logged_in(alice, carol):
            condition, text = await self.bounced(alice, "carol@c.test", "to level 1")
        self.assertEqual(condition, "policy-violation")
        self.assertIn("c.test has level 1", text or "")
        wait_for_log(a, "c.test closed the stream with policy-violation")
        # Not a connection attempt to c.test's own address: the clearinghouse decided.
        self.assertNotIn(f"connecting to c.test ({self.address('c.test')})", a.log_text())
        audit = self.ctl_ok(ch, "audit", "--event", "clearinghouse-redirect")
        self.assertIn("redirect.level", audit)

    def test_the_originator_may_prove_itself_with_dialback(self):
        self.start_community()
        ch = self.servers["ch.test"]

        def stream(**options) -> RawS2s:
            raw = RawS2s(HOSTS["ch.test"], self.ports["ch.test"], from_domain="a.test",
                         to_domain="b.test", **options)
            self.addCleanup(raw.close)
            raw.open()
            raw.starttls()
            raw.open()
            return raw

        # a.test's certificate on the TLS connection proves the dialback claim (XEP-0344).
        files = shared_ca().issue("a.test", client_auth=True)
        raw = stream(client_cert=(files.chain, files.key))
        raw.db_result("ab" * 32)
        end = raw.wait_end()
        self.assertEqual(end.condition, "see-other-host")
        locations = [child.text for element in raw.elements
                     if element.tag == q(NS_STREAM, "error") for child in element
                     if child.tag.endswith("}see-other-host")]
        self.assertEqual(locations, [self.address("b.test")])
        wait_for_log(ch, f"dialback): see-other-host {self.address('b.test')}")

        # Without the certificate the key is checked with a.test's own server, which made
        # no such key: no redirect, and nothing learnt about where b.test is.
        raw = stream()
        raw.db_result("cd" * 32)
        end = raw.wait_end()
        self.assertEqual(end.condition, "not-authorized")
        self.assertNotIn(HOSTS["b.test"], raw.received.decode(errors="replace"))
        wait_for_log(ch, "dialback failed: a.test's server does not confirm the key")

    def test_rows_say_where_members_are_in_ip_literals_only(self):
        self.start_community()
        ch = self.servers["ch.test"]
        self.ctl_ok(ch, "clearinghouse", "set", "c.test", "1", "--redirect-to", "[::1]")
        listed = self.ctl_ok(ch, "clearinghouse", "list")
        self.assertIn("c.test  level 1  redirect to [::1]:5269", listed)
        self.assertIn(f"b.test  level 3  redirect to {self.address('b.test')}", listed)
        for bad in ("c.example:5269", "::1", "127.0.0.1:0", "127.0.0.1:5269 "):
            proc = ch.ctl_run("clearinghouse", "set", "c.test", "1", "--redirect-to", bad)
            self.assertEqual(proc.returncode, 1, (bad, proc.stdout))
            self.assertIn("see-other-host", proc.stderr)
        self.assertIn("redirect to [::1]:5269", self.ctl_ok(ch, "clearinghouse", "list"))

    async def test_a_redirect_to_a_server_proving_another_domain_is_refused(self):
        self.start_community()
        ch, a = self.servers["ch.test"], self.servers["a.test"]
        # An impostor claims b.test but can only show c.test's certificate (the test CA's,
        # so the chain is valid: only the name is wrong), and the clearinghouse (by mistake,
        # or taken over) sends b.test's streams there.
        impostor = KeyfedServer(("b.test",), host=IMPOSTOR, listeners=("s2s",),
                                certs={"b.test": shared_ca().issue("c.test", client_auth=True)},
                                config={"s2s": {"default": "allow", "minimum_level": "verified"}})
        self.addCleanup(impostor.cleanup)
        impostor.start()
        self.ctl_ok(ch, "clearinghouse", "set", "b.test", "3", "--redirect-to",
                    f"{IMPOSTOR}:{impostor.listeners['s2s']}")
        alice, bob = self.client("a.test"), self.client("b.test")
        async with logged_in(alice, bob):
            condition, text = await self.bounced(alice, "bob@b.test", "to the wrong server")
            self.assertEqual(condition, "remote-server-not-found")
            self.assertIn("its certificate does not prove b.test", text or "")
            await bob.expect_no_event("message", within=1.0)  # by no path at all
        line = wait_for_log(a, f"refused the server at {IMPOSTOR} that ch.test redirected to: "
                               "its certificate does not prove b.test")
        self.assertIn("s2s out", line)
        # a.test gave up right after TLS: it never authenticated to the impostor, which
        # therefore never saw a stanza.
        self.assertNotIn("s2s policy", impostor.log_text())

    # --- the clearinghouse is down ------------------------------------------------------
    async def test_clearinghouse_down_falls_back_to_the_next_record(self):
        self.start_community(fallback="next_record")
        a = self.servers["a.test"]
        self.servers["ch.test"].stop()
        alice, bob = self.client("a.test"), self.client("b.test")
        async with logged_in(alice, bob):
            alice.send_message(mto="bob@b.test", mbody="around the clearinghouse", mtype="chat")
            await bob.expect_message(body="around the clearinghouse", timeout=10)
        wait_for_log(a, f"connecting to b.test ({self.address('b.test')})")
        self.assertNotIn("redirects a.test -> b.test", a.log_text())

    async def test_clearinghouse_down_fails_closed_when_configured(self):
        self.start_community(fallback="fail_closed")
        a, b = self.servers["a.test"], self.servers["b.test"]
        self.servers["ch.test"].stop()
        alice, bob = self.client("a.test"), self.client("b.test")
        async with logged_in(alice, bob):
            condition, text = await self.bounced(alice, "bob@b.test", "no clearinghouse")
            self.assertEqual(condition, "remote-server-not-found")
            self.assertIn("s2s.redirect.fallback is fail_closed", text or "")
        self.assertNotIn(f"connecting to b.test ({self.address('b.test')})", a.log_text())
        self.assertNotIn("s2s policy", b.log_text())


if __name__ == "__main__":
    unittest.main(verbosity=2)
