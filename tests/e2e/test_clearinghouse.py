"""The clearinghouse's policy push end to end (issue 7, docs/clearinghouse.md).

ch.test (127.0.50.1) keeps the community table and publishes it, signed, over XMPP
publish-subscribe; three members follow it: m1.test (127.0.50.11, level 1, whose local policy
federates only with level 3 and above), l2.test (127.0.50.12, level 2) and l3.test (127.0.50.13,
level 3), whose policies accept level 1 and above. Every server refuses peers by default
([s2s] default = "deny"): only the clearinghouse's deciders let streams through. Real keyfeds,
real TLS (the test CA), real SQLite, slixmpp clients; keys from the built keynote CLI."""

from __future__ import annotations

import json
import unittest
from datetime import datetime

from harness.clients import Client, logged_in
from harness.community import CommunityCase, community_available, minimum_level_policy
from harness.federation import log_mark, s2s_section, stanza_error, wait_for_log
from harness.keyfed_server import KeyfedServer

HOSTS = {"ch.test": "127.0.50.1", "m1.test": "127.0.50.11", "l2.test": "127.0.50.12",
         "l3.test": "127.0.50.13"}
LEVELS = {"m1.test": 1, "l2.test": 2, "l3.test": 3}
USERS = {"m1.test": "alice", "l2.test": "dave", "l3.test": "carol"}
VALIDITY = 10  # seconds a published table stays fresh (the clearinghouse refreshes at half)


def stamp(line: str) -> float:
    """The time of a keyfed log line ("2026-12-02T20:14:17.123 info ...")."""
    return datetime.strptime(line[:23], "%Y-%m-%dT%H:%M:%S.%f").timestamp()


@unittest.skipUnless(community_available(),
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class PolicyPush(CommunityCase):
    HOSTS = HOSTS
    USERS = USERS
    KEYS = ("ch", "rogue")

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        (cls.out / "needs3.kn").write_text(minimum_level_policy(3))
        (cls.out / "needs1.kn").write_text(minimum_level_policy(1))

    def routes(self, domain: str) -> dict:
        return {d: (HOSTS[d], self.ports[d]) for d in HOSTS if d != domain}

    def start(self, domain: str, section: dict) -> KeyfedServer:
        return self.start_server(domain, {"s2s": s2s_section(level="trusted", default="deny",
                                                             routes=self.routes(domain)),
                                          **section})

    def start_community(self, stale: dict[str, str] | None = None) -> None:
        """The clearinghouse with the three rows, then the members, each holding the table."""
        stale = stale or {}
        ch = self.start("ch.test", {"clearinghouse": {
            "enabled": True, "jid": "ch.test", "private_key_file": str(self.out / "ch.key"),
            "document_validity": VALIDITY}})
        for domain, level in LEVELS.items():
            self.ctl_ok(ch, "clearinghouse", "set", domain, str(level))
        for domain in LEVELS:
            server = self.start(domain, {"clearinghouse_member": {
                "enabled": True, "clearinghouse": "ch.test",
                "public_key_file": str(self.out / "ch.pub"),
                "stale": stale.get(domain, "fail_closed"), "refresh": 5,
                "policy_files": [str(self.out / ("needs3.kn" if domain == "m1.test"
                                                 else "needs1.kn"))]}})
            wait_for_log(server, "accepted ch.test's table v", timeout=15)

    async def delivered(self, sender: Client, receiver: Client, body: str) -> None:
        """Sends until a message arrives: a refused attempt before may have left s2s backing
        off (1 s, then doubling)."""
        for attempt in range(5):
            text = f"{body} ({attempt})"
            sender.send_message(mto=receiver.boundjid.bare, mbody=text, mtype="chat")
            try:
                await receiver.expect_message(body=text, timeout=2.5)
                return
            except Exception:  # EventTimeout: retry after the back-off
                continue
        self.fail(f"no message from {sender.boundjid.bare} reached {receiver.boundjid.bare}")

    async def refused(self, sender: Client, to: str, body: str) -> None:
        sender.send_message(mto=to, mbody=body, mtype="chat")
        bounce = await sender.wait_event("message_error",
                                         predicate=lambda m: m["from"].bare == to)
        condition, _ = stanza_error(bounce)
        self.assertIn(condition, ("policy-violation", "remote-server-not-found"))

    def table_of(self, domain: str) -> dict:
        return json.loads(self.ctl_ok(self.servers[domain], "clearinghouse", "table", "--json"))

    # --- levels -------------------------------------------------------------------------
    async def test_level_3_is_federated_level_2_refused_and_lowering_closes_the_stream(self):
        self.start_community()
        m1, l3 = self.servers["m1.test"], self.servers["l3.test"]
        self.assertEqual({r["domain"]: r["level"] for r in self.table_of("m1.test")["rows"]},
                         LEVELS)
        alice, carol, dave = self.client("m1.test"), self.client("l3.test"), self.client("l2.test")
        async with logged_in(alice, carol, dave):
            await self.delivered(alice, carol, "to level 3")
            wait_for_log(m1, "l3.test has level 3 in ch.test's table")
            await self.refused(alice, "dave@l2.test", "to level 2")
            wait_for_log(m1, "l2.test has level 2 in ch.test's table")

            # Lowering l3.test's level reaches m1.test and closes its live stream at once:
            # within a second of the clearinghouse publishing it (both logs' clocks are the
            # machine's), and a few seconds of the command (keyfedctl's own start included).
            ch = self.servers["ch.test"]
            mark_ch, mark_m1, mark_l3 = log_mark(ch), log_mark(m1), log_mark(l3)
            self.ctl_ok(ch, "clearinghouse", "set", "l3.test", "2")
            published = wait_for_log(ch, "published table v", timeout=2.0, since=mark_ch)
            closed = wait_for_log(m1, "closing with policy-violation", timeout=3.0,
                                  since=mark_m1)
            self.assertLess(stamp(closed) - stamp(published), 1.0, (published, closed))
            wait_for_log(l3, "accepted ch.test's table v", timeout=2.0, since=mark_l3)
            await self.refused(alice, "carol@l3.test", "after lowering")

        audit = self.ctl_ok(self.servers["ch.test"], "audit", "--event", "clearinghouse-set")
        self.assertEqual(len(audit.strip().splitlines()), 4, audit)
        self.assertIn("table-accepted", self.ctl_ok(m1, "audit", "--event", "table-accepted"))

    # --- forgeries and replays ---------------------------------------------------------
    async def test_forged_tampered_and_replayed_tables_are_refused(self):
        self.start_community()
        ch, m1 = self.servers["ch.test"], self.servers["m1.test"]
        listed = json.loads(self.ctl_ok(ch, "admin", "clearinghouse-list"))
        old_document = listed["document"]
        self.ctl_ok(ch, "clearinghouse", "set", "l2.test", "3")
        wait_for_log(m1, f"table v{listed['version'] + 1} via pubsub", timeout=2.0)
        held = self.table_of("m1.test")["version"]

        # An older document (a replay) and a tampered one, handed over directly.
        replay = m1.ctl_run("admin", "clearinghouse-submit",
                            json.dumps({"document": old_document}))
        self.assertEqual(replay.returncode, 1)
        self.assertIn("table.replay", replay.stderr)
        current = json.loads(self.ctl_ok(ch, "admin", "clearinghouse-list"))["document"]
        tampered = current.replace('"domain":"m1.test","level":1', '"domain":"m1.test","level":9')
        self.assertNotEqual(tampered, current)
        forged = m1.ctl_run("admin", "clearinghouse-submit", json.dumps({"document": tampered}))
        self.assertEqual(forged.returncode, 1)
        self.assertIn("table.bad-signature", forged.stderr)

        # Over XMPP: the clearinghouse restarted with another key pushes a table members
        # do not trust ...
        mark = log_mark(m1)
        ch.stop()
        ch.overrides["clearinghouse"]["private_key_file"] = str(self.out / "rogue.key")
        ch.start()
        wait_for_log(m1, "[table.signer]", timeout=8.0, since=mark)
        # ... and restarted from an empty database it starts again at v1: a replay.
        mark = log_mark(m1)
        ch.stop()
        ch.overrides["clearinghouse"]["private_key_file"] = str(self.out / "ch.key")
        for leftover in ch.tmp.rglob("keyfed.db*"):  # under data_dir
            leftover.unlink()
        ch.start()
        for domain, level in LEVELS.items():
            self.ctl_ok(ch, "clearinghouse", "set", domain, str(level))
        wait_for_log(m1, "[table.replay]", timeout=15.0, since=mark)
        self.assertEqual(self.table_of("m1.test")["version"], held)
        refusals = self.ctl_ok(m1, "audit", "--event", "table-refused")
        for code in ("table.replay", "table.bad-signature", "table.signer"):
            self.assertIn(code, refusals)

    # --- stale tables --------------------------------------------------------------------
    async def test_an_expired_table_fails_closed_or_is_kept_as_configured(self):
        self.start_community(stale={"l2.test": "keep_last_and_warn",
                                    "l3.test": "keep_last_and_warn"})
        m1, l3 = self.servers["m1.test"], self.servers["l3.test"]
        alice, carol, dave = self.client("m1.test"), self.client("l3.test"), self.client("l2.test")
        async with logged_in(alice, carol, dave):
            await self.delivered(alice, carol, "while fresh")
            await self.delivered(carol, dave, "l3 to l2 while fresh")
            mark_m1, mark_l3 = log_mark(m1), log_mark(l3)
            self.servers["ch.test"].stop()
            wait_for_log(m1, "refusing every peer until a fresh one arrives",
                         timeout=VALIDITY + 3, since=mark_m1)
            wait_for_log(m1, "closing with policy-violation", timeout=2.0, since=mark_m1)
            wait_for_log(l3, "still deciding with it (stale = keep_last_and_warn)",
                         timeout=VALIDITY + 3, since=mark_l3)
            await self.refused(alice, "carol@l3.test", "after expiry")
            await self.delivered(carol, dave, "l3 to l2 after expiry")
        self.assertTrue(self.table_of("l3.test")["stale"])
        self.assertIn("STALE (fail_closed)",
                      self.ctl_ok(m1, "clearinghouse", "table"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
