"""Runs a folder of examples/ as its README walks through it: a copy of the folder (its out/
left behind), commands run in it, keyfed servers started from its own configs, their logs."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from .federation import wait_for_log

ROOT = Path(__file__).resolve().parents[3]


class LogFile:
    """What wait_for_log needs of a server: its log text and a name."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind

    def log_text(self) -> str:
        return self.path.read_text(errors="replace") if self.path.exists() else ""


class ExampleCase(unittest.TestCase):
    """EXAMPLE: the folder under examples/. setUp copies it to a temporary directory."""

    EXAMPLE = ""

    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory(prefix=f"keyfed-example-{self.EXAMPLE}-")
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name) / self.EXAMPLE
        shutil.copytree(ROOT / "examples" / self.EXAMPLE, self.dir,
                        ignore=shutil.ignore_patterns("out"))
        self.processes: list[subprocess.Popen] = []
        self.addCleanup(self.stop_all)

    def run_ok(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
               cwd: Path | None = None) -> str:
        proc = subprocess.run(args, cwd=cwd or self.dir, input=stdin, capture_output=True,
                              text=True, timeout=60, env={**os.environ, **(env or {})},
                              check=False)
        self.assertEqual(proc.returncode, 0, f"{args}: {proc.stdout}{proc.stderr}")
        return proc.stdout

    def ctl(self, config: str, *args: str, stdin: str | None = None) -> str:
        return self.run_ok(os.environ["KEYFED_CTL"], "-c", config, *args, stdin=stdin)

    def start(self, config: str, name: str) -> LogFile:
        """keyfed --config CONFIG in the folder, its output in out/logs/NAME.log."""
        log = self.dir / f"out/logs/{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("w") as out:
            self.processes.append(subprocess.Popen(
                [os.environ["KEYFED_BIN"], "--config", config], cwd=self.dir, stdout=out,
                stderr=subprocess.STDOUT))
        server = LogFile(log, name)
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
