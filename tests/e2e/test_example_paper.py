"""examples/paper as its README walks through scenario III.B-C, so the walkthrough stays true:
a copy of the folder (a free port instead of 15222), make-credentials.sh, the keynote query by
hand, target.toml's server, Alice's signed request, the grant, the live policy, the audit trail,
the replay and the request for another address."""

from __future__ import annotations

import json
import os
import subprocess
import unittest

from harness.example import ExampleCase
from harness.process import free_ports

KEYNOTE = os.environ.get("KEYNOTE", "")
ALICE_ASKS = ["--key", "out/keys/KAlice.key", "--credential", "out/targetadmin-to-alice.cred",
              "--attr", "App_domain=XMPP", "--attr", "Request_Type=whitelist",
              "--target", "target.test"]


@unittest.skipUnless(os.environ.get("KEYFED_BIN") and os.environ.get("KEYFED_CTL") and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class PaperExample(ExampleCase):

    EXAMPLE = "paper"

    def setUp(self) -> None:
        super().setUp()
        config = self.dir / "target.toml"
        text = config.read_text()
        self.assertIn("port = 15222", text)
        config.write_text(text.replace("port = 15222", f"port = {free_ports(1)[0]}"))
        self.run_ok(str(self.dir / "make-credentials.sh"), env={"KEYNOTE": KEYNOTE})

    def verify(self, address: str, *extra: str) -> str:
        """Step 1's query: may Alice's key have `address` whitelisted?"""
        out = self.dir / "out"
        (out / "alice.env").write_text(
            f'App_domain = "XMPP"\nRequest_Type = "whitelist"\n'
            f'Server_IP_Address = "{address}"\nValidityPeriod = "600"\n')
        proc = subprocess.run([KEYNOTE, "verify", *extra, "-r", "false,true", "-e", "alice.env",
                               "-k", "keys/KAlice.pub", "-l", "whitelist.policy",
                               "targetadmin-to-alice.cred"], cwd=out, capture_output=True,
                              text=True, timeout=30, check=False)
        return proc.stdout

    def submit(self, request: str) -> dict:
        proc = subprocess.run([os.environ["KEYFED_CTL"], "-c", "target.toml", "fac", "submit",
                               "-"], cwd=self.dir, input=request, capture_output=True, text=True,
                              timeout=30, check=False)
        return json.loads(proc.stdout)

    def test_scenario_iii_bc_by_hand(self) -> None:
        self.assertIn("Query result = true", self.verify("127.0.40.55"))
        why = self.verify("127.0.40.56", "--explain")
        self.assertIn("Query result = false", why)
        self.assertIn('Server_IP_Address == "127.0.40.55"\' is false', why)

        target = self.start("target.toml", "target.test")
        self.assertIn("FAC agent ready: 1 POLICY assertion(s)", target.log_text())
        request = self.run_ok(os.environ["KEYFED_CTL"], "fac", "request", *ALICE_ASKS,
                              "--attr", "Server_IP_Address=127.0.40.55",
                              "--attr", "ValidityPeriod=600")
        granted = self.submit(request)
        self.assertEqual(granted["status"], "granted", granted)
        self.assertEqual([c["rule"] for c in granted["changes"]],
                         ["whitelist address=127.0.40.55"])
        self.assertIn("TargetAdmin", granted["explanation"])

        self.assertIn(f"whitelist address=127.0.40.55  until {granted['expires_at']}",
                      self.ctl("target.toml", "policy", "list"))
        audit = self.ctl("target.toml", "audit")
        for event in ("change applied", "decision granted", "request"):
            self.assertIn(event, audit)

        self.assertEqual(self.submit(request)["error"]["code"], "fac.replay")
        other = self.run_ok(os.environ["KEYFED_CTL"], "fac", "request", *ALICE_ASKS,
                            "--attr", "Server_IP_Address=127.0.40.56")
        refused = self.submit(other)
        self.assertEqual(refused["status"], "refused", refused)
        self.assertIn('"127.0.40.56" vs "127.0.40.55"', refused["explanation"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
