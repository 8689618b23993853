"""examples/clearinghouse as its README walks through it, so the walkthrough stays true: a copy of
the folder (free ports instead of 15222/15269), make-community.sh, the four servers, the table
set with keyfedctl, and the example's own send.py deciding what became of each message."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness.federation import wait_for_log
from harness.process import free_ports

ROOT = Path(__file__).resolve().parents[2]
KEYNOTE = os.environ.get("KEYNOTE", "")
HOSTS = {"ch": "127.0.50.1", "a": "127.0.50.2", "b": "127.0.50.3", "c": "127.0.50.4"}


class LogFile:
    """What wait_for_log needs of a server: its log text and a name."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind

    def log_text(self) -> str:
        return self.path.read_text(errors="replace") if self.path.exists() else ""


@unittest.skipUnless(os.environ.get("KEYFED_BIN") and os.environ.get("KEYFED_CTL") and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class ClearinghouseExample(unittest.TestCase):

    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory(prefix="keyfed-example-ch-")
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name) / "clearinghouse"
        shutil.copytree(ROOT / "examples/clearinghouse", self.dir,
                        ignore=shutil.ignore_patterns("out"))
        self.use_free_ports()
        self.processes: list[subprocess.Popen] = []
        self.addCleanup(self.stop_all)
        self.run_ok(str(self.dir / "make-community.sh"), env={"KEYNOTE": KEYNOTE})
        (self.dir / "out/logs").mkdir()

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

    def run_ok(self, *args: str, stdin: str | None = None,
               env: dict[str, str] | None = None) -> str:
        proc = subprocess.run(args, cwd=self.dir, input=stdin, capture_output=True, text=True,
                              timeout=60, env={**os.environ, **(env or {})}, check=False)
        self.assertEqual(proc.returncode, 0, f"{args}: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def ctl(self, name: str, *args: str, stdin: str | None = None) -> str:
        return self.run_ok(os.environ["KEYFED_CTL"], "-c", f"{name}.toml", *args, stdin=stdin)

    def start(self, name: str) -> LogFile:
        log = self.dir / f"out/logs/{name}.log"
        with log.open("w") as out:
            self.processes.append(subprocess.Popen(
                [os.environ["KEYFED_BIN"], "--config", f"{name}.toml"], cwd=self.dir,
                stdout=out, stderr=subprocess.STDOUT))
        server = LogFile(log, f"{name}.example")
        wait_for_log(server, "listening on", timeout=15)
        return server

    def stop_all(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def send(self, sender: str, to: str, body: str) -> str:
        proc = subprocess.run(["/usr/bin/python3", str(self.dir / "send.py"), sender, to, body],
                              cwd=self.dir, capture_output=True, text=True, timeout=60,
                              check=False)
        return proc.stdout.strip()

    def test_the_walkthrough(self) -> None:
        self.start("ch")
        for domain, level in (("a", "1"), ("b", "3"), ("c", "2")):
            self.ctl("ch", "clearinghouse", "set", f"{domain}.example", level)
        members = {}
        for name, user in (("a", "alice"), ("b", "bob"), ("c", "carol")):
            self.ctl(name, "user", "add", f"{user}@{name}.example", stdin="pw\n")
            members[name] = self.start(name)
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

        # Step 5: lowering b.example closes a.example's live stream to it.
        self.ctl("ch", "clearinghouse", "set", "b.example", "2")
        wait_for_log(members["a"], "127.0.50.3: closing with policy-violation", timeout=5)
        lowered = self.send("alice@a.example", "bob@b.example", "after lowering")
        self.assertIn("b.example has level 2 in ch.example's table v5", lowered)

        # Step 6: both sides audited it.
        self.assertEqual(len(self.ctl("ch", "audit", "--event", "clearinghouse-set")
                             .strip().splitlines()), 4)
        self.assertRegex(self.ctl("a", "audit", "--event", "table-accepted"),
                         re.compile(r"table-accepted v5 .*peer=pubsub"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
