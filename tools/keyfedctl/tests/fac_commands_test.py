"""keyfedctl's FAC commands from the outside: `fac request` (signing needs no server and no
config), and `fac submit`, `fac request --to`, `audit`, `policy ...` against the fake admin
socket of keyfedctl_test.py (what they send, how they print, their exit codes). The agent's own
behaviour is tested in components/agent/tests. Run by ctest as keyfedctl.fac; by hand:

    KEYFED_CTL=build/bin/keyfedctl KEYNOTE=build/bin/keynote \
        /usr/bin/python3 tools/keyfedctl/tests/fac_commands_test.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from keyfedctl_test import KeyfedctlTest  # noqa: E402  (fixture: temp dir, config, fake admin)

KEYNOTE = os.environ.get("KEYNOTE", "")

CREDENTIAL = """KeyNote-Version: 2
Authorizer: "POLICY"
Licensees: "someone"
Conditions: App_domain == "XMPP";
"""


class FacCommandsTest(KeyfedctlTest):
    def setUp(self) -> None:
        super().setUp()
        if not KEYNOTE:
            self.fail("KEYNOTE is not set (ctest sets it)")
        self.pub = self.dir / "alice.pub"
        self.key = self.dir / "alice.key"
        subprocess.run([KEYNOTE, "keygen", "ed25519-hex:", "256", str(self.pub), str(self.key)],
                       check=True, capture_output=True)
        (self.dir / "alice.cred").write_text(CREDENTIAL)

    def request_args(self, *extra: str) -> list[str]:
        return ["fac", "request", "--key", str(self.key), "--credential", str(self.dir / "alice.cred"),
                "--attr", "App_domain=XMPP", "--attr", "Request_Type=whitelist",
                "--attr", "Server_IP_Address=127.0.40.55", *extra]

    # -- fac request --------------------------------------------------------------------------

    def test_a_request_is_signed_and_printed_without_a_config(self):
        result = self.ctl(*self.request_args("--target", "target.test"), config=False)
        self.assertOk(result)
        request = json.loads(result.stdout)
        public = "".join(line.strip().rstrip("\\") for line in self.pub.read_text().splitlines())
        self.assertEqual(request["requester"], public.strip('"'))
        self.assertEqual(request["target"], "target.test")
        self.assertEqual(request["version"], 0)
        self.assertEqual(request["attributes"], {"App_domain": "XMPP", "Request_Type": "whitelist",
                                                 "Server_IP_Address": "127.0.40.55"})
        self.assertEqual(request["credentials"], [CREDENTIAL])
        self.assertRegex(request["nonce"], r"^[0-9a-f]{32}$")
        self.assertLess(abs(request["timestamp"] - time.time()), 60)
        self.assertTrue(request["signature"].startswith("sig-ed25519-sha512-hex:"))
        # Two requests never share a nonce (or a signature).
        again = json.loads(self.ctl(*self.request_args("--target", "target.test"),
                                    config=False).stdout)
        self.assertNotEqual(again["nonce"], request["nonce"])

    def test_request_usage_errors(self):
        self.assertRefused(self.ctl(*self.request_args(), config=False), code=2)  # no target
        self.assertRefused(self.ctl(*self.request_args("--target", "t.test", "--attr", "noequals"),
                                    config=False), code=2)
        bad_key = self.dir / "bad.key"
        bad_key.write_text('"not-a-key"\n')
        result = self.ctl("fac", "request", "--key", str(bad_key), "--target", "t.test",
                          config=False)
        self.assertRefused(result)
        self.assertIn("fac.bad-key", result.stderr)
        self.assertRefused(self.ctl("fac", "request", "--key", str(self.dir / "missing.key"),
                                    "--target", "t.test", config=False))

    def test_sending_polls_for_the_answer(self):
        polls = []

        def reply(request):
            if request["command"] == "fac-send":
                return {"ok": True, "result": {"id": "fac-1", "request_id": "abc"}}
            polls.append(request)
            if len(polls) < 3:
                return {"ok": True, "result": {"status": "pending"}}
            return {"ok": True, "result": {"status": "answered", "response": {
                "status": "granted", "id": "abc", "changes": []}}}

        fake = self.fake_admin(reply=reply)
        result = self.ctl(*self.request_args("--to", "target.test/fac"))
        self.assertOk(result)
        self.assertEqual(json.loads(result.stdout)["status"], "granted")
        sent = fake.requests[0]
        self.assertEqual(sent["command"], "fac-send")
        self.assertEqual(sent["args"]["to"], "target.test/fac")
        self.assertEqual(sent["args"]["request"]["target"], "target.test")  # from --to
        self.assertEqual(polls[-1], {"command": "fac-result", "args": {"id": "fac-1"}})

    def test_a_refused_answer_exits_with_1(self):
        def reply(request):
            if request["command"] == "fac-send":
                return {"ok": True, "result": {"id": "fac-1"}}
            return {"ok": True, "result": {"status": "answered", "response": {
                "status": "refused", "explanation": "no chain"}}}

        self.fake_admin(reply=reply)
        result = self.ctl(*self.request_args("--to", "target.test/fac"))
        self.assertRefused(result)
        self.assertIn("refused", result.stderr)

    def test_no_answer_within_the_timeout(self):
        self.fake_admin(reply=lambda r: {"ok": True, "result": (
            {"id": "fac-1"} if r["command"] == "fac-send" else {"status": "pending"})})
        result = self.ctl("--timeout", "0.5", *self.request_args("--to", "target.test/fac"))
        self.assertRefused(result)
        self.assertIn("no answer", result.stderr)

    # -- fac submit ---------------------------------------------------------------------------

    def test_submit_hands_the_file_to_the_local_agent(self):
        text = self.ctl(*self.request_args("--target", "example.test"), config=False).stdout
        (self.dir / "request.json").write_text(text)
        fake = self.fake_admin(reply=lambda r: {"ok": True, "result": {
            "status": "invalid", "error": {"code": "fac.replay", "message": "used"}}})
        result = self.ctl("fac", "submit", str(self.dir / "request.json"))
        self.assertRefused(result)
        self.assertIn("fac.replay", result.stderr)
        self.assertEqual(fake.requests[0]["command"], "fac-submit")
        self.assertEqual(fake.requests[0]["args"]["request"], text)
        # From stdin.
        result = self.ctl("fac", "submit", "-", stdin=text)
        self.assertEqual(fake.requests[1]["args"]["request"], text)

    # -- audit, policy ------------------------------------------------------------------------

    def test_audit_passes_the_filters_and_prints_one_line_per_record(self):
        record = {"id": 7, "at": 1700000000, "event": "decision", "outcome": "granted",
                  "request_id": "abc", "peer": "alice.test", "entry": 0,
                  "detail": "result true\nChain 1: ..."}
        fake = self.fake_admin(reply=lambda r: {"ok": True, "result": {"records": [record]}})
        result = self.ctl("audit", "--event", "decision", "--request", "abc", "--limit", "5")
        self.assertOk(result)
        self.assertEqual(fake.requests[0]["args"],
                         {"event": "decision", "request_id": "abc", "limit": 5})
        self.assertEqual(result.stdout.strip(),
                         "7  2023-11-14T22:13:20Z  decision granted  request=abc  "
                         "peer=alice.test  result true")
        self.assertEqual(json.loads(self.ctl("audit", "--json").stdout)["records"], [record])

    def test_policy_list_revoke_add(self):
        entry = {"id": 3, "kind": "whitelist", "rule": "whitelist address=127.0.40.55",
                 "origin": "request", "request_id": "abc", "expires": 1700003600}

        def reply(request):
            if request["command"] == "policy-list":
                return {"ok": True, "result": {"entries": [entry]}}
            if request["command"] == "policy-revoke":
                return {"ok": True, "result": {"revoked": entry}}
            return {"ok": True, "result": {"entries": [dict(entry, id=4, origin="admin")]}}

        fake = self.fake_admin(reply=reply)
        listed = self.ctl("policy", "list")
        self.assertOk(listed)
        self.assertEqual(listed.stdout.strip(), "3  whitelist address=127.0.40.55  until "
                                                "2023-11-14T23:13:20Z  (request abc)")
        self.assertOk(self.ctl("policy", "revoke", "3"))
        self.assertEqual(fake.requests[-1], {"command": "policy-revoke", "args": {"id": 3}})
        self.assertOk(self.ctl("policy", "add", "whitelist", '{"domain":"partner.test"}',
                               "--validity", "60"))
        self.assertEqual(fake.requests[-1]["args"],
                         {"kind": "whitelist", "spec": {"domain": "partner.test"}, "validity": 60})
        self.assertRefused(self.ctl("policy", "add", "whitelist", "not json"), code=2)
        self.assertRefused(self.ctl("policy", "revoke"), code=2)

    def test_agent_commands_need_the_running_server(self):
        self.assertRefused(self.ctl("policy", "list"), code=3)
        self.assertRefused(self.ctl("audit"), code=3)


# The inherited tests run in keyfedctl.cli already.
for name in [n for n in dir(KeyfedctlTest) if n.startswith("test_")]:
    if not hasattr(FacCommandsTest, name) or getattr(FacCommandsTest, name) is getattr(
            KeyfedctlTest, name):
        setattr(FacCommandsTest, name, None)
del KeyfedctlTest

if __name__ == "__main__":
    unittest.main(verbosity=2)
