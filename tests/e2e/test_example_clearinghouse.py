"""examples/clearinghouse as its README walks through it, so the walkthrough stays true: a copy of
the folder (free ports instead of 15222/15269), make-community.sh, the four servers, the table
set with keyfedctl, and the example's own send.py deciding what became of each message."""

from __future__ import annotations

import os
import re
import subprocess
import unittest

from harness.example import ExampleCase
from harness.federation import wait_for_log
from harness.process import free_ports

KEYNOTE = os.environ.get("KEYNOTE", "")
HOSTS = {"ch": "127.0.50.1", "a": "127.0.50.2", "b": "127.0.50.3", "c": "127.0.50.4"}


@unittest.skipUnless(os.environ.get("KEYFED_BIN") and os.environ.get("KEYFED_CTL") and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class ClearinghouseExample(ExampleCase):

    EXAMPLE = "clearinghouse"

    def setUp(self) -> None:
        super().setUp()
        self.use_free_ports()
        self.run_ok(str(self.dir / "make-community.sh"), env={"KEYNOTE": KEYNOTE})

    def use_free_ports(self) -> None:
        """Each server's 15222/15269 (listeners, and the routes naming it) become free ports."""
        ports = {name: free_ports(2, host) for name, host in HOSTS.items()}
        for name in HOSTS:
            config = self.dir / f"{name}.toml"
            text = config.read_text()
            c2s, s2s = ports[name]
            text = text.replace("port = 15222", f"port = {c2s}")
            text = text.replace("port = 15269", f"port = {s2s}")
            for peer, host in HOSTS.items():
                text = text.replace(f'"{host}:15269"', f'"{host}:{ports[peer][1]}"')
            self.assertNotRegex(text, r"1522[29]", f"{name}.toml still names a fixed port")
            config.write_text(text)

    def send(self, sender: str, to: str, body: str) -> str:
        proc = subprocess.run(["/usr/bin/python3", str(self.dir / "send.py"), sender, to, body],
                              cwd=self.dir, capture_output=True, text=True, timeout=60,
                              check=False)
        return proc.stdout.strip()

    def test_the_walkthrough(self) -> None:
        self.start("ch.toml", "ch.example")
        for domain, level in (("a", "1"), ("b", "3"), ("c", "2")):
            self.ctl("ch.toml", "clearinghouse", "set", f"{domain}.example", level)
        members = {}
        for name, user in (("a", "alice"), ("b", "bob"), ("c", "carol")):
            self.ctl(f"{name}.toml", "user", "add", f"{user}@{name}.example", stdin="pw\n")
            members[name] = self.start(f"{name}.toml", f"{name}.example")
        for member in members.values():
            wait_for_log(member, "accepted ch.example's table v4", timeout=15)

        # Step 4: a.example's policy (level 3 or above) decides.
        self.assertEqual(self.send("alice@a.example", "bob@b.example", "hello bob"),
                         "no bounce within 5 s: accepted by b.example")
        refused = self.send("alice@a.example", "carol@c.example", "hello carol")
        self.assertTrue(refused.startswith("bounced: policy-violation: "), refused)
        self.assertIn("c.example has level 2 in ch.example's table v4", refused)
        self.assertTrue(self.send("carol@c.example", "bob@b.example", "hi").startswith(
            "no bounce"))
        live = self.ctl("a.toml", "s2s", "list")
        self.assertRegex(live, r"out  a\.example -> b\.example  ready  trusted  127\.0\.50\.3  \d+ s  "
                               r"tls certificate=valid accepted\(sasl-external\)")
        self.assertNotIn("c.example  ready", live)

        # Step 5: lowering b.example closes a.example's live stream to it.
        self.ctl("ch.toml", "clearinghouse", "set", "b.example", "2")
        wait_for_log(members["a"], "127.0.50.3: closing with policy-violation", timeout=5)
        lowered = self.send("alice@a.example", "bob@b.example", "after lowering")
        self.assertIn("b.example has level 2 in ch.example's table v5", lowered)
        self.assertNotIn("b.example  ready", self.ctl("a.toml", "s2s", "list"))

        # Step 6: both sides audited it.
        self.assertEqual(len(self.ctl("ch.toml", "audit", "--event", "clearinghouse-set")
                             .strip().splitlines()), 4)
        self.assertRegex(self.ctl("a.toml", "audit", "--event", "table-accepted"),
                         re.compile(r"table-accepted v5 .*peer=pubsub"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
