"""The clearinghouse's table over HTTPS, for bootstrap (issue 7, docs/clearinghouse.md,
"Bootstrap over HTTPS").

ch.test (127.0.70.1) publishes the table and serves it on an https listener; a.test
(127.0.70.11) and b.test (127.0.70.12), both level 3, have no s2s route to the clearinghouse
(they can reach each other, but not ch.test), so publish-subscribe cannot bring them the table:
they fetch it over HTTPS at start, checked like a pushed one, and federate by it. c.test
(127.0.70.13) is pointed at a server whose certificate is not ch.test's: it refuses the answer,
says so in its log and audit, and stays closed. Real keyfeds, real TLS (the test CA), real
SQLite, slixmpp clients; keys from the built keynote CLI."""

from __future__ import annotations

import http.client
import json
import ssl
import unittest

from harness.clients import logged_in
from harness.community import CommunityCase, community_available, minimum_level_policy
from harness.federation import s2s_section, stanza_error, wait_for_log
from harness.keyfed_server import KeyfedServer

HOSTS = {"ch.test": "127.0.70.1", "a.test": "127.0.70.11", "b.test": "127.0.70.12",
         "c.test": "127.0.70.13"}
USERS = {"a.test": "alice", "b.test": "bob", "c.test": "carol"}
PATH = "/.well-known/keyfed/clearinghouse-table"


@unittest.skipUnless(community_available(),
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class BootstrapOverHttps(CommunityCase):
    HOSTS = HOSTS
    USERS = USERS

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        (cls.out / "needs3.kn").write_text(minimum_level_policy(3))

    def start_clearinghouse(self) -> KeyfedServer:
        server = KeyfedServer(("ch.test",), host=HOSTS["ch.test"],
                              listeners=("c2s", "s2s", "https"),
                              ports={"s2s": self.ports["ch.test"]}, config={
                                  "s2s": s2s_section(level="trusted", default="deny"),
                                  "clearinghouse": {
                                      "enabled": True, "jid": "ch.test",
                                      "private_key_file": str(self.out / "ch.key"),
                                      "https_burst": 20, "https_interval": 1}})
        self.servers["ch.test"] = server
        self.addCleanup(server.cleanup)
        server.start()
        for domain in ("a.test", "b.test", "c.test"):
            self.ctl_ok(server, "clearinghouse", "set", domain, "3")
        return server

    def start_member(self, domain: str, url: str) -> KeyfedServer:
        """A member with no s2s route to ch.test: only the other members are routed."""
        routes = {d: (HOSTS[d], self.ports[d]) for d in USERS if d != domain}
        return self.start_server(domain, {
            "s2s": s2s_section(level="trusted", default="deny", routes=routes),
            "clearinghouse_member": {
                "enabled": True, "clearinghouse": "ch.test",
                "public_key_file": str(self.out / "ch.pub"), "refresh": 5,
                "policy_files": [str(self.out / "needs3.kn")], "bootstrap_url": url,
                "bootstrap_connect_timeout": 3, "bootstrap_timeout": 5}})

    def url(self, server: KeyfedServer) -> str:
        return f"https://{server.host}:{server.listeners['https']}{PATH}"

    def get(self, ch: KeyfedServer, headers: dict | None = None) -> http.client.HTTPResponse:
        context = ssl.create_default_context(cafile=str(ch.ca_file))
        context.check_hostname = False  # the host is an IP literal; the name is checked below
        conn = http.client.HTTPSConnection(ch.host, ch.listeners["https"], context=context,
                                           timeout=10)
        self.addCleanup(conn.close)
        conn.request("GET", PATH, headers=headers or {})
        return conn.getresponse()

    async def test_members_without_s2s_to_the_clearinghouse_bootstrap_over_https(self):
        ch = self.start_clearinghouse()
        listed = json.loads(self.ctl_ok(ch, "admin", "clearinghouse-list"))

        # The route: the document pubsub publishes, its version as ETag, 304 when held.
        answer = self.get(ch)
        body = answer.read().decode()
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.getheader("content-type"), "application/json")
        self.assertEqual(body, listed["document"])
        etag = answer.getheader("etag")
        self.assertEqual(etag, f'"{listed["version"]}"')
        again = self.get(ch, {"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.read(), b"")

        a = self.start_member("a.test", self.url(ch))
        b = self.start_member("b.test", self.url(ch))
        for member in (a, b):
            wait_for_log(member, f"accepted ch.test's table v{listed['version']} via https",
                         timeout=15)
            self.assertEqual(json.loads(self.ctl_ok(member, "clearinghouse", "table",
                                                    "--json"))["version"], listed["version"])
            self.assertIn("https", self.ctl_ok(member, "audit", "--event", "table-accepted"))

        alice, bob = self.client("a.test"), self.client("b.test")
        async with logged_in(alice, bob):
            alice.send_message(mto="bob@b.test", mbody="bootstrapped", mtype="chat")
            await bob.expect_message(sender="alice@a.test", body="bootstrapped", timeout=10)
        wait_for_log(a, "b.test has level 3 in ch.test's table")

        # On demand: nothing newer, so the clearinghouse answers 304 and the table stays.
        fetched = self.ctl_ok(a, "clearinghouse", "fetch")
        self.assertIn(f"unchanged: ch.test's table v{listed['version']} over HTTPS", fetched)

    async def test_a_server_without_the_clearinghouses_certificate_is_refused(self):
        self.start_clearinghouse()
        # b.test's keyfed serves https with a certificate for b.test, not ch.test.
        impostor = KeyfedServer(("b.test",), host=HOSTS["b.test"], listeners=("c2s", "https"))
        self.servers["b.test"] = impostor
        self.addCleanup(impostor.cleanup)
        impostor.start()
        url = self.url(impostor)
        c = self.start_member("c.test", url)
        line = wait_for_log(c, f"table over HTTPS from {url} (", timeout=15)
        self.assertIn("(no table yet)", line)
        line = wait_for_log(c, f"table over HTTPS from {url} failed:", timeout=15)
        self.assertIn("is not valid for ch.test", line)
        audit = self.ctl_ok(c, "audit", "--event", "table-fetch-failed")
        self.assertIn("http.certificate", audit)
        self.assertEqual(json.loads(self.ctl_ok(c, "clearinghouse", "table", "--json"))["version"],
                         0)
        refused = c.ctl_run("clearinghouse", "fetch")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn("http.certificate", refused.stderr)

        # No table: c.test stays closed (fail closed), whatever the level it would have.
        carol = self.client("c.test")
        async with logged_in(carol):
            carol.send_message(mto="alice@a.test", mbody="no table", mtype="chat")
            bounce = await carol.wait_event("message_error",
                                            predicate=lambda m: m["from"].bare == "alice@a.test")
            condition, _ = stanza_error(bounce)
            self.assertIn(condition, ("policy-violation", "remote-server-not-found"))


if __name__ == "__main__":
    unittest.main()
