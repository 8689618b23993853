"""scripts/first-run (used by `make run`): creates a config and a localhost certificate, is
idempotent, never overwrites, and (once keyfed is built) writes a config keyfed accepts."""

import datetime
import os
import stat
import subprocess
import tempfile
import tomllib
import unittest
from pathlib import Path

from harness.keyfed_server import keyfed_available, keyfed_binary

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "first-run"


def run(directory: Path, example: str | None = None) -> subprocess.CompletedProcess:
    """Runs the script; ``example`` replaces examples/keyfed.toml (a missing path selects the
    built-in config)."""
    env = dict(os.environ)
    if example is not None:
        env["KEYFED_EXAMPLE_CONFIG"] = example
    return subprocess.run([str(SCRIPT), str(directory)], capture_output=True, text=True,
                          timeout=60, check=False, env=env)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


class FirstRun(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="keyfed-first-run-")
        self.dir = Path(self.tmp.name) / "var"

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_creates_config_certificate_and_data_dir(self):
        for example in (None, "/nonexistent/keyfed.toml"):
            with self.subTest(example=example or "examples/keyfed.toml"):
                self.check_fresh_setup(self.dir / ("builtin" if example else "example"), example)

    def check_fresh_setup(self, directory: Path, example: str | None) -> None:
        self.dir = directory
        result = run(self.dir, example)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("built-in" if example else "examples/keyfed.toml", result.stdout)
        config_path = self.dir / "keyfed.toml"
        crt, key = self.dir / "certs" / "localhost.crt", self.dir / "certs" / "localhost.key"
        for path in (config_path, crt, key):
            self.assertTrue(path.is_file(), path)
            self.assertIn(path.name, result.stdout)
        self.assertIn("user add alice@localhost", result.stdout)
        self.assertEqual(stat.S_IMODE(key.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE((self.dir / "data").stat().st_mode), 0o700)

        config = tomllib.loads(config_path.read_text())
        hosts = {h["domain"]: h for h in config["virtual_host"]}
        self.assertIn("localhost", hosts)
        for name in ("certificate", "key"):
            self.assertTrue((self.dir / hosts["localhost"][name]).is_file())
        self.assertFalse(config.get("c2s", {}).get("allow_registration", False),
                         "registration must be off in the default config")
        ports = {(l["type"], l["port"]) for l in config["listener"]}
        self.assertIn(("c2s", 5222), ports)
        self.assertIn(("c2s_direct_tls", 5223), ports)

        text = subprocess.run(["openssl", "x509", "-in", str(crt), "-noout", "-text",
                               "-dateopt", "iso_8601"], capture_output=True, text=True,
                              check=True).stdout
        self.assertIn("DNS:localhost", text)
        dates = subprocess.run(["openssl", "x509", "-in", str(crt), "-noout", "-enddate",
                                "-dateopt", "iso_8601"], capture_output=True, text=True,
                               check=True).stdout.strip().split("=", 1)[1]
        not_after = datetime.datetime.fromisoformat(dates.replace("Z", "+00:00"))
        days = (not_after - datetime.datetime.now(datetime.timezone.utc)).days
        self.assertTrue(360 <= days <= 366, f"certificate valid for {days} days, not one year")
        check = subprocess.run(["openssl", "verify", "-CAfile", str(crt), "-verify_hostname",
                                "localhost", str(crt)], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stderr)

    def test_second_run_changes_nothing(self):
        self.assertEqual(run(self.dir).returncode, 0)
        before = snapshot(self.dir)
        result = run(self.dir)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("nothing to do", result.stdout)
        self.assertEqual(snapshot(self.dir), before)

    def test_existing_files_are_never_overwritten(self):
        self.dir.mkdir(parents=True)
        (self.dir / "keyfed.toml").write_text("# my own config\n")
        self.assertEqual(run(self.dir).returncode, 0)
        self.assertEqual((self.dir / "keyfed.toml").read_text(), "# my own config\n")
        # A lone key (its certificate lost) is not silently replaced.
        (self.dir / "certs" / "localhost.crt").unlink()
        key_before = (self.dir / "certs" / "localhost.key").read_bytes()
        result = run(self.dir)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("refusing", result.stderr)
        self.assertEqual((self.dir / "certs" / "localhost.key").read_bytes(), key_before)
        self.assertFalse((self.dir / "certs" / "localhost.crt").exists())

    @unittest.skipUnless(keyfed_available(), "KEYFED_BIN not set: keyfed is not built yet")
    def test_keyfed_accepts_the_generated_config(self):
        for name, example in (("example", None), ("builtin", "/nonexistent/keyfed.toml")):
            directory = self.dir / name
            self.assertEqual(run(directory, example).returncode, 0)
            config = directory / "keyfed.toml"
            result = subprocess.run([keyfed_binary(), "--check-config", "--config", str(config)],
                                    capture_output=True, text=True, timeout=30, check=False)
            self.assertEqual(result.returncode, 0, f"{name}: {result.stdout}{result.stderr}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
