"""The FAC agent end to end (issue 6, docs/fac-protocol.md): target.test on 127.0.40.1 decides
requests with the paper's III.B policy (addresses 127.0.40.50-59, the paper's 192.168.40.5x);
alice.test runs on 127.0.40.55, inside the pattern. Keys, policies and signed credentials come
from examples/paper/make-credentials.sh (KEYNOTE: the built keynote CLI).

target.test refuses every peer by default ([s2s] default = "deny"); a granted request adds a
live whitelist entry, after which alice.test's users reach target.test's; the entry expires and
the stream closes. The request reaches the agent over the target's admin socket
(`keyfedctl fac submit`), and over XMPP from alice.test's agent (`keyfedctl fac request --to`),
which needs s2s to let a refused but dialback-verified peer reach <domain>/fac
(docs/fac-protocol.md, "Reaching the agent")."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from harness.clients import Client, logged_in, quiet_slixmpp
from harness.federation import log_mark, s2s_section, stanza_error, wait_for_log
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports

T_HOST, A_HOST = "127.0.40.1", "127.0.40.55"
ROOT = Path(__file__).resolve().parents[2]
KEYNOTE = os.environ.get("KEYNOTE", "")


def agent_wired() -> bool:
    """Whether this keyfed knows the [agent] section (apps/keyfed registers it)."""
    if not keyfed_available():
        return False
    with tempfile.TemporaryDirectory(prefix="keyfed-fac-check-") as tmp:
        config = Path(tmp) / "keyfed.toml"
        config.write_text('[[virtual_host]]\ndomain = "x.test"\ncertificate = ""\nkey = ""\n'
                          '[c2s]\nrequire_tls = false\n[[listener]]\ntype = "c2s"\n'
                          '[agent]\nenabled = false\n')
        proc = subprocess.run([os.environ["KEYFED_BIN"], "--check-config", "--config",
                               str(config)], capture_output=True, text=True, timeout=30)
        return proc.returncode == 0


def make_credentials(out: Path) -> None:
    subprocess.run([str(ROOT / "examples/paper/make-credentials.sh"), str(out)], check=True,
                   capture_output=True, timeout=120, env=dict(os.environ, KEYNOTE=KEYNOTE))


@unittest.skipUnless(keyfed_available() and keyfedctl_available() and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
@unittest.skipUnless(agent_wired(), "this keyfed has no [agent] section (not composed yet)")
class PaperWhitelist(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="keyfed-fac-")
        cls.out = Path(cls.tmp.name)
        make_credentials(cls.out)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

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

    def agent_section(self) -> dict:
        return {"enabled": True, "policy_files": [str(self.out / "whitelist.policy")],
                "default_validity": 3600}

    def start_pair(self) -> tuple[KeyfedServer, KeyfedServer]:
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = KeyfedServer(
            ("target.test",), host=T_HOST, listeners=("c2s", "s2s"), ports={"s2s": port_t},
            users={"carol@target.test": "pw-carol"},
            config={"s2s": s2s_section(level="trusted", default="deny",
                                       routes={"alice.test": (A_HOST, port_a)}),
                    "agent": self.agent_section()})
        alice = KeyfedServer(
            ("alice.test",), host=A_HOST, listeners=("c2s", "s2s"), ports={"s2s": port_a},
            users={"bob@alice.test": "pw-bob"},
            config={"s2s": s2s_section(level="trusted", default="allow",
                                       routes={"target.test": (T_HOST, port_t)}),
                    "agent": self.agent_section()})
        for server in (target, alice):
            self.servers.append(server)
            self.addCleanup(server.cleanup)
            server.start()
        return target, alice

    def request(self, address: str = "127.0.40.55", validity: int = 600,
                to: str | None = None, server: KeyfedServer | None = None) -> subprocess.CompletedProcess:
        """Alice's signed whitelist request: printed (to=None) or sent through `server`."""
        args = ["fac", "request", "--key", str(self.out / "keys/KAlice.key"),
                "--credential", str(self.out / "targetadmin-to-alice.cred"),
                "--attr", "App_domain=XMPP", "--attr", "Request_Type=whitelist",
                "--attr", f"Server_IP_Address={address}", "--attr", f"ValidityPeriod={validity}"]
        if to is None:
            return subprocess.run([os.environ["KEYFED_CTL"], *args, "--target", "target.test"],
                                  capture_output=True, text=True, timeout=30, check=False)
        return server.ctl_run(*args, "--to", to)

    def submit(self, target: KeyfedServer, request_json: str) -> tuple[int, dict]:
        proc = target.ctl_run("fac", "submit", "-", stdin=request_json)
        return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}

    async def assertRefusedByTarget(self, bob: Client, body: str) -> None:
        bob.send_message(mto="carol@target.test", mbody=body, mtype="chat")
        bounce = await bob.wait_event(
            "message_error", predicate=lambda m: m["from"].bare == "carol@target.test")
        condition, _ = stanza_error(bounce)
        self.assertEqual(condition, "policy-violation")

    async def first_contact_is_refused(self, target: KeyfedServer, bob: Client) -> None:
        """alice.test is refused before any grant; the address target.test sees must be
        alice.test's own (127.0.40.55), or the paper's address whitelisting cannot apply."""
        await self.assertRefusedByTarget(bob, "before")
        line = wait_for_log(target, "refused inbound target.test <- alice.test [")
        seen = line.split("alice.test [", 1)[1].split("]", 1)[0]
        if seen != A_HOST:
            self.skipTest(f"alice.test's stream comes from {seen}, not from its address "
                          f"{A_HOST}: s2s does not bind outgoing streams to the server's address")

    async def assertDeliveredEventually(self, bob: Client, carol: Client, body: str) -> None:
        """After a refusal, alice.test's s2s backs off (1 s, then doubling) and bounces at once
        what is sent meanwhile: send until a message gets through (a few seconds at most)."""
        for attempt in range(5):
            text = f"{body} ({attempt})"
            bob.send_message(mto="carol@target.test", mbody=text, mtype="chat")
            try:
                await carol.expect_message(body=text, timeout=2.5)
                return
            except Exception:  # EventTimeout: retry after the back-off
                continue
        self.fail(f"no message from bob reached carol: {body}")

    def clients(self, target: KeyfedServer, alice: KeyfedServer) -> tuple[Client, Client]:
        bob = Client("bob@alice.test", "pw-bob", address=(alice.host, alice.c2s_port),
                     ca_file=alice.ca_file)
        carol = Client("carol@target.test", "pw-carol", address=(target.host, target.c2s_port),
                       ca_file=target.ca_file)
        return bob, carol

    # --- III.B-C ----------------------------------------------------------------------------
    async def test_iii_bc_a_granted_request_whitelists_alices_server(self):
        target, alice = self.start_pair()
        bob, carol = self.clients(target, alice)
        async with logged_in(bob, carol):
            await self.first_contact_is_refused(target, bob)
            signed = self.request()
            self.assertEqual(signed.returncode, 0, signed.stderr)
            code, answer = self.submit(target, signed.stdout)
            self.assertEqual(code, 0, answer)
            self.assertEqual(answer["status"], "granted")
            self.assertEqual(answer["changes"][0]["spec"], {"address": "127.0.40.55"})

            await self.assertDeliveredEventually(bob, carol, "after the grant")
            wait_for_log(target, "is whitelisted by entry")

        listed = target.ctl_run("policy", "list")
        self.assertIn("whitelist address=127.0.40.55", listed.stdout)
        audit = target.ctl_run("audit", "--request", answer["id"])
        self.assertEqual([line.split()[2] for line in audit.stdout.splitlines()],
                         ["change", "decision", "request"])

    async def test_iii_bc_other_addresses_replays_and_forgeries_are_refused_and_audited(self):
        target, alice = self.start_pair()
        signed = self.request(address="127.0.40.56")
        code, answer = self.submit(target, signed.stdout)
        self.assertEqual(code, 1)
        self.assertEqual(answer["status"], "refused")
        self.assertIn("127.0.40.55", answer["explanation"])
        code, answer = self.submit(target, signed.stdout)
        self.assertEqual(answer["error"]["code"], "fac.replay")
        forged = json.loads(self.request().stdout)
        forged["attributes"]["Server_IP_Address"] = "127.0.40.57"
        code, answer = self.submit(target, json.dumps(forged))
        self.assertEqual(answer["error"]["code"], "fac.bad-signature")
        outcomes = target.ctl_run("audit", "--json").stdout
        for outcome in ("refused", "fac.replay", "fac.bad-signature"):
            self.assertIn(f'"outcome": "{outcome}"', outcomes)
        self.assertEqual(target.ctl_run("policy", "list").stdout.strip(), "")

    async def test_an_expired_grant_closes_the_live_stream(self):
        target, alice = self.start_pair()
        bob, carol = self.clients(target, alice)
        async with logged_in(bob, carol):
            await self.first_contact_is_refused(target, bob)
            code, answer = self.submit(target, self.request(validity=6).stdout)
            self.assertEqual(answer["status"], "granted", answer)
            await self.assertDeliveredEventually(bob, carol, "while granted")
            mark = log_mark(target)
            wait_for_log(target, "expired: whitelist address=127.0.40.55", timeout=9.0, since=mark)
            wait_for_log(target, "closing with policy-violation", timeout=2.0, since=mark)
            await self.assertRefusedByTarget(bob, "after expiry")
        self.assertIn("expiry expired", target.ctl_run("audit").stdout)

    # --- over XMPP ----------------------------------------------------------------------------
    async def test_alices_agent_sends_the_request_over_xmpp(self):
        target, alice = self.start_pair()
        bob, carol = self.clients(target, alice)
        async with logged_in(bob):
            await self.first_contact_is_refused(target, bob)
        sent = self.request(to="target.test/fac", server=alice)
        self.assertEqual(sent.returncode, 0, sent.stdout + sent.stderr)
        self.assertEqual(json.loads(sent.stdout)["status"], "granted")
        bob, carol = self.clients(target, alice)
        async with logged_in(bob, carol):
            await self.assertDeliveredEventually(bob, carol, "asked over xmpp")
        self.assertIn("response granted", alice.ctl_run("audit").stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
