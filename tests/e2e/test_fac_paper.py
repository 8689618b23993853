"""The FAC agent end to end (issue 6, docs/fac-protocol.md): target.test on 127.0.40.1 decides
requests with the paper's III.B policy (addresses 127.0.40.50-59, the paper's 192.168.40.5x);
alice.test runs on 127.0.40.55, inside the pattern. Keys, policies and signed credentials come
from examples/paper/make-credentials.sh (KEYNOTE: the built keynote CLI).

target.test refuses every peer by default ([s2s] default = "deny"); a granted request adds a
live whitelist entry, after which alice.test's users reach target.test's; the entry expires and
the stream closes. alice.test's s2s connects from its own address ([s2s] source_address
defaults to the s2s listener's), so target.test sees 127.0.40.55. The request reaches the agent
over the target's admin socket (`keyfedctl fac submit`), over XMPP from alice.test's agent
(`keyfedctl fac request --to`) through the agent-only stream s2s keeps for a refused but
verified peer (docs/federation.md, "Agent-only pairs"), and in automatic mode, where
alice.test's agent asks by itself when target.test refuses it and delivers what waited."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import tempfile
import time
import unittest
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from harness.clients import Client, logged_in, quiet_slixmpp
from harness.federation import (NS_DIALBACK, NS_SASL, RawS2s, log_mark, q, s2s_section,
                                stanza_error, wait_for_log)
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports
from harness.test_ca import shared_ca

T_HOST, A_HOST = "127.0.40.1", "127.0.40.55"
ROOT = Path(__file__).resolve().parents[2]
KEYNOTE = os.environ.get("KEYNOTE", "")
FAC_NS = "urn:keyfed:fac:0"


def make_credentials(out: Path) -> None:
    subprocess.run([str(ROOT / "examples/paper/make-credentials.sh"), str(out)], check=True,
                   capture_output=True, timeout=120, env=dict(os.environ, KEYNOTE=KEYNOTE))


def render(text: str, keys: Path) -> str:
    """Replaces @Name@ by Name's public key, as make-credentials.sh does."""
    return re.sub(r"@([A-Za-z_]+)@", lambda m: (keys / f"{m.group(1)}.pub").read_text().strip(),
                  text)


class FacServers:
    """Keys and credentials from examples/paper, keyfed servers on 127.0.40.x, signed requests."""

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

    def agent_section(self, policies: tuple[str, ...] = ("whitelist.policy",)) -> dict:
        return {"enabled": True, "policy_files": [str(self.out / p) for p in policies],
                "default_validity": 3600}

    def sign_credential(self, name: str, signer: str, text: str, forge: bool = False) -> Path:
        """A credential written from `text` (with @Key@ placeholders), signed by `signer`;
        forge: the signer need not be the Authorizer (`keynote sign` without -v)."""
        unsigned = self.out / f"{name}.unsigned"
        unsigned.write_text(render(text, self.out / "keys").rstrip("\n") + "\n")
        check = [] if forge else ["-v"]
        sig = subprocess.run([KEYNOTE, "sign", *check, "sig-ed25519-sha512-hex:", str(unsigned),
                              str(self.out / f"keys/{signer}.key")], capture_output=True,
                             text=True, timeout=30, check=True).stdout
        path = self.out / name
        path.write_text(unsigned.read_text() + sig)
        return path

    def signed(self, key: str, credentials: list[str], attributes: dict[str, str]) -> str:
        """A request to target.test signed by `key` (a principal of examples/paper)."""
        args = [os.environ["KEYFED_CTL"], "fac", "request", "--key",
                str(self.out / f"keys/{key}.key"), "--target", "target.test"]
        for c in credentials:
            args += ["--credential", str(self.out / c)]
        for name, value in attributes.items():
            args += ["--attr", f"{name}={value}"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout

    def start(self, *servers: KeyfedServer) -> None:
        for server in servers:
            self.servers.append(server)
            self.addCleanup(server.cleanup)
            server.start()

    def peer(self, domain: str, host: str, port: int, users: dict[str, str],
             routes: dict[str, tuple[str, int]], agent: dict | None = None) -> KeyfedServer:
        """A server that federates with everyone (default allow) and has an agent."""
        return KeyfedServer(
            (domain,), host=host, listeners=("c2s", "s2s"), ports={"s2s": port}, users=users,
            config={"s2s": s2s_section(level="trusted", default="allow", routes=routes),
                    "agent": {**self.agent_section(), **(agent or {})}})

    def target(self, port: int, routes: dict[str, tuple[str, int]],
               policies: tuple[str, ...] = ("whitelist.policy",),
               s2s: dict | None = None, agent: dict | None = None) -> KeyfedServer:
        """target.test: closed by default ([s2s] default = "deny"), the agent decides."""
        return KeyfedServer(
            ("target.test",), host=T_HOST, listeners=("c2s", "s2s"), ports={"s2s": port},
            users={"carol@target.test": "pw-carol"},
            config={"s2s": s2s_section(level="trusted", default="deny", routes=routes,
                                       **(s2s or {})),
                    "agent": {**self.agent_section(policies), **(agent or {})}})

    def client(self, jid: str, server: KeyfedServer) -> Client:
        return Client(jid, f"pw-{jid.split('@')[0]}", address=(server.host, server.c2s_port),
                      ca_file=server.ca_file)

    def automatic_section(self, address: str = A_HOST, wait: int = 20) -> dict:
        """alice.test's [[agent.automatic]] entry: Alice's whitelist request for target.test."""
        return {"automatic": [{
            "domain": "target.test", "key": str(self.out / "keys/KAlice.key"),
            "credentials": [str(self.out / "targetadmin-to-alice.cred")],
            "attributes": ["App_domain=XMPP", "Request_Type=whitelist",
                           f"Server_IP_Address={address}", "ValidityPeriod=600"],
            "wait": wait}]}

    def start_pair(self, alice_agent: dict | None = None,
                   target_s2s: dict | None = None) -> tuple[KeyfedServer, KeyfedServer]:
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a)}, s2s=target_s2s)
        alice = self.peer("alice.test", A_HOST, port_a, {"bob@alice.test": "pw-bob"},
                          {"target.test": (T_HOST, port_t)}, alice_agent)
        self.start(target, alice)
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

    async def assertRefusedByTarget(self, bob: Client, body: str) -> str:
        """Bob's message to carol bounces with policy-violation; returns the error's text."""
        bob.send_message(mto="carol@target.test", mbody=body, mtype="chat")
        bounce = await bob.wait_event(
            "message_error",
            predicate=lambda m: m["from"].bare == "carol@target.test" and m["body"] == body)
        condition, text = stanza_error(bounce)
        self.assertEqual(condition, "policy-violation")
        return text or ""

    async def first_contact_is_refused(self, target: KeyfedServer, bob: Client) -> None:
        """alice.test is refused before any grant; the address target.test sees must be
        alice.test's own (127.0.40.55), or the paper's address whitelisting cannot apply."""
        await self.assertRefusedByTarget(bob, "before")
        line = wait_for_log(target, "refused inbound target.test <- alice.test [")
        seen = line.split("alice.test [", 1)[1].split("]", 1)[0]
        self.assertEqual(seen, A_HOST, "alice.test's s2s must connect from its own address")

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
        return self.client("bob@alice.test", alice), self.client("carol@target.test", target)


@unittest.skipUnless(keyfed_available() and keyfedctl_available() and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class PaperWhitelist(FacServers, unittest.IsolatedAsyncioTestCase):

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

    async def test_stale_requests_and_credentials_signed_by_the_wrong_key_are_refused(self):
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a)},
                             agent={"timestamp_window": 2})
        self.start(target)
        held = self.request()
        self.assertEqual(held.returncode, 0, held.stderr)
        time.sleep(3.5)  # longer than the target's 2-s timestamp window
        code, answer = self.submit(target, held.stdout)
        self.assertEqual(code, 1, answer)
        self.assertEqual(answer["error"]["code"], "fac.stale")
        # TargetAdmin's credential for Alice as Mallory signed it: it grants nothing.
        self.sign_credential("alice-by-mallory.cred", "Mallory",
                             (ROOT / "examples/paper/templates/targetadmin-to-alice.cred").read_text(),
                             forge=True)
        forged = self.signed("KAlice", ["alice-by-mallory.cred"],
                             {"App_domain": "XMPP", "Request_Type": "whitelist",
                              "Server_IP_Address": A_HOST})
        code, answer = self.submit(target, forged)
        self.assertEqual(answer["status"], "refused", answer)
        self.assertIn("signature", answer["explanation"])
        self.assertEqual(target.ctl_run("policy", "list").stdout.strip(), "")
        outcomes = target.ctl_run("audit", "--json").stdout
        for outcome in ("fac.stale", "refused"):
            self.assertIn(f'"outcome": "{outcome}"', outcomes)

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

    async def test_the_agent_only_stream_carries_the_request_and_then_everything(self):
        """Before the grant the stream from alice.test stays up for the agents only: Bob's
        message bounces, the request passes; the grant lifts the state on the same streams
        (no reconnection) and Bob's next message is delivered at once."""
        target, alice = self.start_pair()
        bob, carol = self.clients(target, alice)
        async with logged_in(bob, carol):
            await self.first_contact_is_refused(target, bob)
            wait_for_log(target, "alice.test -> target.test is agent-only")
            text = await self.assertRefusedByTarget(bob, "still refused")
            self.assertIn("only the FAC agents may talk", text)
            mark_t, mark_a = log_mark(target), log_mark(alice)
            sent = self.request(to="target.test/fac", server=alice)
            self.assertEqual(json.loads(sent.stdout)["status"], "granted", sent.stdout)
            wait_for_log(target, "alice.test -> target.test is admitted now (was agent-only)",
                         since=mark_t)
            wait_for_log(alice, "target.test admits alice.test -> target.test now", since=mark_a)
            bob.send_message(mto="carol@target.test", mbody="same stream", mtype="chat")
            await carol.expect_message(body="same stream", timeout=5)
            # The streams that carried the request carried the message: none was opened anew.
            self.assertNotIn("new stream alice.test -> target.test",
                             alice.log_text()[mark_a:])

    async def test_a_denied_domain_cannot_reach_the_agent(self):
        """The static deny list keeps a peer out altogether: no agent-only stream."""
        target, alice = self.start_pair(target_s2s={"deny_domains": ["alice.test"]})
        bob, _ = self.clients(target, alice)
        async with logged_in(bob):
            text = await self.assertRefusedByTarget(bob, "denied")
            self.assertIn("deny list", text)
        sent = self.request(to="target.test/fac", server=alice)
        self.assertEqual(sent.returncode, 1, sent.stdout + sent.stderr)
        self.assertNotIn("is agent-only", target.log_text())
        self.assertEqual(target.ctl_run("policy", "list").stdout.strip(), "")

    async def test_a_peer_that_ignores_the_marker_reaches_only_the_agent(self):
        """A raw peer (a server that is not keyfed) authenticates as alice.test with SASL
        EXTERNAL: the <success/> carries the agent-only marker; its message is refused on
        arrival, its request reaches the agent, and the grant is announced with a plain
        <db:result type='valid'/> on the same stream."""
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a)})  # nobody listens there
        self.start(target)
        files = shared_ca().issue("alice.test", client_auth=True)
        raw = RawS2s(T_HOST, target.s2s_port, from_domain="alice.test", to_domain="target.test",
                     client_cert=(files.chain, files.key), source_address=A_HOST)
        self.addCleanup(raw.close)
        raw.open()
        raw.starttls()
        raw.open()
        raw.send(f"<auth xmlns='{NS_SASL}' mechanism='EXTERNAL'>=</auth>")
        success = raw.expect(q(NS_SASL, "success"))
        marker = success.find(q(FAC_NS, "agent-only"))
        self.assertIsNotNone(marker)
        self.assertIn("not on any allow list", marker.text)
        raw.open()
        carol = self.client("carol@target.test", target)
        async with logged_in(carol):
            mark = log_mark(target)
            raw.send("<message from='bob@alice.test/pc' to='carol@target.test' type='chat'>"
                     "<body>ignoring the marker</body></message>")
            wait_for_log(target, "s2s agent-only: bounced <message type='chat'/>", since=mark)
            await carol.expect_no_event("message", within=1.0)
            signed = self.request(validity=60)
            raw.send(f"<iq type='set' id='r1' from='alice.test' to='target.test/fac'>"
                     f"<request xmlns='{FAC_NS}'>{xml_escape(signed.stdout)}</request></iq>")
            lifted = raw.wait_for(lambda e: e.tag == q(NS_DIALBACK, "result"), timeout=10)
            self.assertEqual(lifted.get("type"), "valid")
            self.assertIsNone(lifted.find(q(FAC_NS, "agent-only")))
            raw.send("<message from='bob@alice.test/pc' to='carol@target.test' type='chat'>"
                     "<body>admitted now</body></message>")
            await carol.expect_message(body="admitted now", timeout=5)
        self.assertIn("whitelist address=127.0.40.55", target.ctl_run("policy", "list").stdout)

    # --- automatic mode ---------------------------------------------------------------------
    async def test_automatic_mode_asks_for_access_and_delivers_what_waited(self):
        """alice.test holds credentials for target.test ([[agent.automatic]]): refused, its agent
        sends Alice's signed request by itself, and Bob's first message is delivered, not
        bounced, once target.test's agent grants it."""
        target, alice = self.start_pair(alice_agent=self.automatic_section())
        bob, carol = self.clients(target, alice)
        async with logged_in(bob, carol):
            bob.send_message(mto="carol@target.test", mbody="waits for the grant", mtype="chat")
            await carol.expect_message(body="waits for the grant", timeout=20)
            await bob.expect_no_event("message_error", within=0.5)
        wait_for_log(alice, "automatic request")
        self.assertIn("whitelist address=127.0.40.55", target.ctl_run("policy", "list").stdout)
        self.assertIn("response granted", alice.ctl_run("audit").stdout)

    async def test_automatic_mode_bounces_what_waited_when_refused(self):
        """Alice's credentials do not cover the address asked for: the agent of target.test
        refuses, and Bob's waiting message bounces with that reason."""
        target, alice = self.start_pair(alice_agent=self.automatic_section(address="127.0.40.56"))
        bob, _ = self.clients(target, alice)
        async with logged_in(bob):
            text = await self.assertRefusedByTarget(bob, "waits in vain")
            self.assertIn("the FAC agent of target.test answered refused", text)
        self.assertIn("response refused", alice.ctl_run("audit").stdout)
        self.assertEqual(target.ctl_run("policy", "list").stdout.strip(), "")


ANGELA_HOST = "127.0.40.58"

def credential(authorizer: str, licensee: str, conditions: str) -> str:
    """An unsigned credential template (keys as @Name@ placeholders, render() fills them)."""
    return (f"KeyNote-Version: 2\nLocal-Constants: {authorizer} = @{authorizer}@\n"
            f"                 {licensee} = @{licensee}@\nAuthorizer: {authorizer}\n"
            f"Licensees: {licensee}\nConditions: {conditions};\nSignature:\n")


# III.D: Alice -> Bob for a date range long past (the agent's clock sets @Date).
BOB_LAST_YEAR = credential(
    "KAlice", "KBob", 'App_domain == "XMPP" && Server_IP_Address == "127.0.40.55" && '
    '_ACTION_AUTHORIZERS == KBob && @Date >= 20200101 && @Date <= 20201231 && '
    'UserName == "Bob" && PacketType == "message"')
# III.D: Bob tries to pass his rights on to Mallory.
BOB_TO_MALLORY = credential("KBob", "Mallory", 'App_domain == "XMPP"')
# IV: an honest audit of a server whose stanza limit does not mitigate DoS.
AUDIT_BIG_STANZAS = credential(
    "SecurityConsultant", "KAlice", 'App_domain == "XMPP" && Server_IP_Address == "127.0.40.55" '
    '&& XMPP_TLS_for_s2s == "required" && XMPP_SRTP_for_video == "required" && '
    '@XMPP_Stanza_byte_size_limit == 65536')

@unittest.skipUnless(keyfed_available() and keyfedctl_available() and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class PaperScenarios(FacServers, unittest.IsolatedAsyncioTestCase):
    """III.D, IV and V (docs/policy.md): grants decided by target.test's agent, their effect
    seen by slixmpp clients across real s2s streams."""

    async def test_iii_d_bobs_messages_pass_his_presence_and_others_do_not(self):
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a)})
        alice = self.peer("alice.test", A_HOST, port_a,
                          {"bob@alice.test": "pw-bob", "eve@alice.test": "pw-eve"},
                          {"target.test": (T_HOST, port_t)})
        self.start(target, alice)
        attributes = {"App_domain": "XMPP", "Request_Type": "whitelist",
                      "Server_IP_Address": A_HOST, "Server_Domain": "alice.test",
                      "UserName": "Bob", "PacketType": "message"}
        chain = ["targetadmin-to-alice.cred", "alice-to-bob.cred"]
        # Outside the credential's dates, and passed on to Mallory: refused.
        self.sign_credential("bob-last-year.cred", "KAlice", BOB_LAST_YEAR)
        code, answer = self.submit(target, self.signed(
            "KBob", ["targetadmin-to-alice.cred", "bob-last-year.cred"], attributes))
        self.assertEqual(answer["status"], "refused", answer)
        self.assertIn("Date", answer["explanation"])
        self.sign_credential("bob-to-mallory.cred", "KBob", BOB_TO_MALLORY)
        code, answer = self.submit(target, self.signed(
            "Mallory", [*chain, "bob-to-mallory.cred"], attributes))
        self.assertEqual(answer["status"], "refused", answer)
        self.assertIn("_ACTION_AUTHORIZERS", answer["explanation"])
        # Someone else's messages, or Bob's presence, cannot be asked for.
        code, answer = self.submit(target, self.signed("KBob", chain,
                                                       {**attributes, "UserName": "Eve"}))
        self.assertEqual(answer["status"], "refused", answer)
        code, answer = self.submit(target, self.signed("KBob", chain, attributes))
        self.assertEqual(answer["status"], "granted", answer)

        bob, eve = self.client("bob@alice.test", alice), self.client("eve@alice.test", alice)
        carol = self.client("carol@target.test", target)
        async with logged_in(bob, eve, carol):
            await self.assertDeliveredEventually(bob, carol, "bob's message")
            # The packet filter stops Bob's presence and Eve's messages on arrival. Each is
            # followed by a message of Bob's on the same streams: once that one arrived, the
            # stanza before it was decided.
            bob.send_presence(pto="carol@target.test", pstatus="bob's presence")
            bob.send_message(mto="carol@target.test", mbody="after the presence", mtype="chat")
            await carol.expect_message(body="after the presence", timeout=15)
            self.assertFalse([p for p in carol.events("presence")
                              if p["from"].bare == "bob@alice.test"])
            eve.send_message(mto="carol@target.test", mbody="eve's message", mtype="chat")
            for _ in range(150):  # the clients' loop must run to send it: no blocking wait
                if "<message type='chat'/> eve@alice.test/" in target.log_text():
                    break
                await asyncio.sleep(0.1)
            wait_for_log(target, "<message type='chat'/> eve@alice.test/", timeout=0.1)
            self.assertFalse([m for m in carol.events("message")
                              if m["from"].bare == "eve@alice.test"])

    async def test_iv_controls_vouched_for_by_the_consultant(self):
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a)},
                             policies=("threat.policy",))
        alice = self.peer("alice.test", A_HOST, port_a, {"bob@alice.test": "pw-bob"},
                          {"target.test": (T_HOST, port_t)})
        self.start(target, alice)
        chain = ["targetserver-to-consultant.cred", "consultant-to-alice.cred",
                 "alice-to-bob-xmpp.cred"]
        claims = {"App_domain": "XMPP", "Request_Type": "whitelist", "Server_IP_Address": A_HOST,
                  "Eavesdropping_Mitigation": "true", "DOS_Mitigation": "true",
                  "XMPP_TLS_for_s2s": "required", "XMPP_SRTP_for_video": "required",
                  "XMPP_Stanza_byte_size_limit": "25000",
                  # What else the consultant's audit of 127.0.40.55 found (its conditions).
                  "XMPP_Publish_Subscribe_Service": "disabled", "Ingress_IP_Filtering": "enabled",
                  "Third_Party_DOS_Mitigation_OK": "true"}
        # A claim the audit does not vouch for (a smaller limit than the one audited).
        code, answer = self.submit(target, self.signed(
            "KBob", chain, {**claims, "XMPP_Stanza_byte_size_limit": "20000"}))
        self.assertEqual(answer["status"], "refused", answer)
        # Vouched for, but the policy's implication fails: the limit does not mitigate DoS.
        self.sign_credential("audit-big-stanzas.cred", "SecurityConsultant", AUDIT_BIG_STANZAS)
        code, answer = self.submit(target, self.signed(
            "KBob", [chain[0], "audit-big-stanzas.cred", chain[2]],
            {**claims, "XMPP_Stanza_byte_size_limit": "65536"}))
        self.assertEqual(answer["status"], "refused", answer)
        self.assertEqual(target.ctl_run("policy", "list").stdout.strip(), "")
        code, answer = self.submit(target, self.signed("KBob", chain, claims))
        self.assertEqual(answer["status"], "granted", answer)
        bob, carol = self.client("bob@alice.test", alice), self.client("carol@target.test", target)
        async with logged_in(bob, carol):
            await self.assertDeliveredEventually(bob, carol, "vouched for")

    async def test_v_a_b2c_licensee_federates_xmpp_not_erp_and_others_stay_out(self):
        """Three servers: Angela's (b2c, 127.0.40.58) is admitted for XMPP; Alice's, which asked
        for nothing, stays refused."""
        (port_t,), (port_a,) = free_ports(1, T_HOST), free_ports(1, A_HOST)
        (port_g,) = free_ports(1, ANGELA_HOST)
        target = self.target(port_t, {"alice.test": (A_HOST, port_a),
                                      "angela.test": (ANGELA_HOST, port_g)},
                             policies=("business.policy",))
        alice = self.peer("alice.test", A_HOST, port_a, {"bob@alice.test": "pw-bob"},
                          {"target.test": (T_HOST, port_t)})
        angela = self.peer("angela.test", ANGELA_HOST, port_g, {"dan@angela.test": "pw-dan"},
                           {"target.test": (T_HOST, port_t)})
        self.start(target, alice, angela)
        chain = ["targetadmin-to-director.cred", "director-to-angela.cred"]
        ask = {"App_domain": "ERP", "role": "b2c", "Request_Type": "whitelist",
               "Server_IP_Address": ANGELA_HOST}
        code, answer = self.submit(target, self.signed("Angela", chain, ask))
        self.assertEqual(answer["status"], "refused", answer)
        code, answer = self.submit(target, self.signed("Angela", chain, {**ask, "role": "b2b"}))
        self.assertEqual(answer["status"], "refused", answer)
        code, answer = self.submit(target, self.signed("Angela", chain,
                                                       {**ask, "App_domain": "XMPP"}))
        self.assertEqual(answer["status"], "granted", answer)
        dan, bob = self.client("dan@angela.test", angela), self.client("bob@alice.test", alice)
        carol = self.client("carol@target.test", target)
        async with logged_in(dan, bob, carol):
            await self.assertDeliveredEventually(dan, carol, "b2c over xmpp")
            await self.assertRefusedByTarget(bob, "not a licensee")


if __name__ == "__main__":
    unittest.main(verbosity=2)
