"""keyfedctl from the outside: a temporary config and SQLite database, no keyfed server.

The admin socket is played by a small fake server (FakeAdmin) that records each request and
answers as told, so `status`, `admin` and the notifications of `user del|passwd` are checked
without the daemon. Run by ctest as keyfedctl.cli; by hand:

    KEYFED_CTL=build/bin/keyfedctl /usr/bin/python3 tools/keyfedctl/tests/keyfedctl_test.py
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import sqlite3
import subprocess
import tempfile
import threading
import unittest
from pathlib import Path

CTL = os.environ.get("KEYFED_CTL", "")
DOMAIN = "example.test"
OTHER = "other.test"

# Modeled on examples/keyfed.toml: two virtual hosts, the paths relative to the file.
CONFIG = f"""
[server]
data_dir = "data"
log_level = "info"
admin_socket = "data/keyfed.sock"

[storage]
backend = "sqlite"
path = "keyfed.db"

[c2s]
require_tls = true

[[virtual_host]]
domain = "{DOMAIN}"
certificate = "certs/{DOMAIN}.crt"
key = "certs/{DOMAIN}.key"

[[virtual_host]]
domain = "{OTHER}"
certificate = "certs/{OTHER}.crt"
key = "certs/{OTHER}.key"

[[listener]]
type = "c2s"
address = "127.0.0.1"
port = 5222
"""


class FakeAdmin:
    """Listens on the admin socket; answers every request line with `reply(request)`."""

    def __init__(self, path: Path, reply=None, answer: bool = True) -> None:
        self.path = path
        self.reply = reply or (lambda request: {"ok": True, "result": {}})
        self.answer = answer
        self.requests: list[dict] = []
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                try:
                    while b"\n" not in data:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        data += chunk
                except OSError:
                    continue
                if b"\n" not in data:
                    continue
                request = json.loads(data.split(b"\n", 1)[0])
                self.requests.append(request)
                if self.answer:
                    conn.sendall(json.dumps(self.reply(request)).encode() + b"\n")
                else:
                    # Hold the connection open without answering until keyfedctl gives up.
                    try:
                        conn.recv(1)
                    except OSError:
                        pass

    def close(self) -> None:
        self.stopping = True
        self.thread.join(timeout=5)
        self.sock.close()
        self.path.unlink(missing_ok=True)


def scram_keys(hash_name: str, password: str, salt: bytes, iterations: int) -> tuple[bytes, bytes]:
    """RFC 5802: (StoredKey, ServerKey) for a password (ASCII here, so SASLprep is the identity)."""
    salted = hashlib.pbkdf2_hmac(hash_name, password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hash_name).digest()
    server_key = hmac.new(salted, b"Server Key", hash_name).digest()
    return hashlib.new(hash_name, client_key).digest(), server_key


class KeyfedctlTest(unittest.TestCase):
    def setUp(self) -> None:
        if not CTL:
            self.fail("KEYFED_CTL is not set (ctest sets it)")
        self.tmp = tempfile.TemporaryDirectory(prefix="keyfedctl-")
        self.dir = Path(self.tmp.name)
        self.config = self.dir / "keyfed.toml"
        self.config.write_text(CONFIG)
        (self.dir / "data").mkdir(mode=0o700)
        self.socket_path = self.dir / "data" / "keyfed.sock"
        self.database = self.dir / "data" / "keyfed.db"

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def ctl(self, *args: str, stdin: str = "", config: bool = True) -> subprocess.CompletedProcess:
        command = [CTL, "--config", str(self.config)] if config else [CTL]
        return subprocess.run(command + list(args), input=stdin, capture_output=True, text=True,
                              timeout=60, check=False, cwd=self.dir)

    def assertOk(self, result: subprocess.CompletedProcess) -> None:
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def assertRefused(self, result: subprocess.CompletedProcess, code: int = 1) -> None:
        self.assertEqual(result.returncode, code, result.stdout + result.stderr)
        self.assertTrue(result.stderr.strip(), "a refusal must say why on stderr")

    def fake_admin(self, **kwargs) -> FakeAdmin:
        fake = FakeAdmin(self.socket_path, **kwargs)
        self.addCleanup(fake.close)
        return fake

    def credentials(self, user: str, host: str = DOMAIN) -> dict[str, tuple]:
        """What the database holds for an account: {hash: (salt, iterations, stored, server)}."""
        with sqlite3.connect(self.database) as db:
            rows = db.execute(
                "SELECT c.hash, c.salt, c.iterations, c.stored_key, c.server_key "
                "FROM scram_credentials c JOIN accounts a ON a.id = c.account_id "
                "WHERE a.user = ? AND a.host = ?", (user, host)).fetchall()
        return {row[0]: tuple(row[1:]) for row in rows}

    def assertPassword(self, user: str, password: str) -> None:
        """The stored SCRAM-SHA-1 and -SHA-256 credentials are those of `password`."""
        stored = self.credentials(user)
        self.assertEqual(set(stored), {"SHA-1", "SHA-256"})
        for name, hash_name in (("SHA-1", "sha1"), ("SHA-256", "sha256")):
            salt, iterations, stored_key, server_key = stored[name]
            self.assertEqual(iterations, 4096)
            self.assertGreaterEqual(len(salt), 16)
            self.assertEqual((stored_key, server_key),
                             scram_keys(hash_name, password, salt, iterations), name)
        self.assertNotEqual(stored["SHA-1"][0], stored["SHA-256"][0], "a fresh salt for each")

    def listed(self, domain: str = DOMAIN) -> list[str]:
        result = self.ctl("user", "list", domain)
        self.assertOk(result)
        return result.stdout.splitlines()

    # -- user add / list ---------------------------------------------------------------------

    def test_add_stores_scram_credentials_of_the_password(self):
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="first-password\n"))
        self.assertPassword("carol", "first-password")
        self.assertEqual(self.listed(), [f"carol@{DOMAIN}"])

    def test_add_prepares_the_localpart_and_domain(self):
        self.assertOk(self.ctl("user", "add", "Carol@EXAMPLE.test", stdin="pw\n"))
        self.assertEqual(self.listed(), [f"carol@{DOMAIN}"])

    def test_password_without_final_newline_or_with_crlf(self):
        self.assertOk(self.ctl("user", "add", f"a@{DOMAIN}", stdin="no-newline"))
        self.assertPassword("a", "no-newline")
        self.assertOk(self.ctl("user", "add", f"b@{DOMAIN}", stdin="crlf\r\n"))
        self.assertPassword("b", "crlf")

    def test_adding_an_existing_user_fails_and_keeps_the_password(self):
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="first\n"))
        self.assertRefused(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="second\n"))
        self.assertRefused(self.ctl("user", "add", f"CAROL@{DOMAIN}", stdin="second\n"))
        self.assertPassword("carol", "first")

    def test_list_is_sorted_and_per_domain(self):
        for jid in (f"zed@{DOMAIN}", f"amy@{DOMAIN}", f"mike@{DOMAIN}", f"olga@{OTHER}"):
            self.assertOk(self.ctl("user", "add", jid, stdin="pw\n"))
        self.assertEqual(self.listed(), [f"amy@{DOMAIN}", f"mike@{DOMAIN}", f"zed@{DOMAIN}"])
        self.assertEqual(self.listed(OTHER), [f"olga@{OTHER}"])
        self.assertRefused(self.ctl("user", "list", "nowhere.test"))

    def test_list_of_an_empty_host_prints_nothing(self):
        self.assertEqual(self.listed(), [])

    # -- refusals ------------------------------------------------------------------------------

    def test_invalid_jids_are_refused_with_a_message(self):
        for bad in ("noat", f"a@b@{DOMAIN}", f"@{DOMAIN}", "user@not-served-here.test",
                    f"user@{DOMAIN}/resource", f"two words@{DOMAIN}", f"x@", "user@"):
            with self.subTest(jid=bad):
                self.assertRefused(self.ctl("user", "add", bad, stdin="password\n"))
        self.assertEqual(self.listed(), [])

    def test_empty_password_is_refused(self):
        for stdin in ("\n", "", "\r\n"):
            with self.subTest(stdin=stdin):
                self.assertRefused(self.ctl("user", "add", f"nopassword@{DOMAIN}", stdin=stdin))
        self.assertEqual(self.listed(), [])

    def test_overlong_password_is_refused(self):
        self.assertRefused(self.ctl("user", "add", f"long@{DOMAIN}", stdin="p" * 2000 + "\n"))
        self.assertEqual(self.listed(), [])

    def test_usage_errors_exit_with_2(self):
        self.assertRefused(self.ctl(), code=2)
        self.assertRefused(self.ctl("user"), code=2)
        self.assertRefused(self.ctl("user", "add"), code=2)
        self.assertRefused(self.ctl("user", "rename", "a@b"), code=2)
        self.assertRefused(self.ctl("user", "list", DOMAIN, config=False), code=2)

    def test_broken_or_missing_config_is_reported(self):
        self.config.write_text(CONFIG.replace("log_level", "log_levle"))
        result = self.ctl("user", "list", DOMAIN)
        self.assertRefused(result)
        self.assertIn("log_levle", result.stderr)
        self.config.unlink()
        self.assertRefused(self.ctl("user", "list", DOMAIN))

    # -- user passwd / del ---------------------------------------------------------------------

    def test_passwd_replaces_the_credentials(self):
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="first\n"))
        before = self.credentials("carol")
        self.assertOk(self.ctl("user", "passwd", f"carol@{DOMAIN}", stdin="second\n"))
        self.assertPassword("carol", "second")
        self.assertNotEqual(before["SHA-256"][0], self.credentials("carol")["SHA-256"][0],
                            "a new password gets a new salt")

    def test_passwd_refuses_unknown_users_and_empty_passwords(self):
        self.assertRefused(self.ctl("user", "passwd", f"ghost@{DOMAIN}", stdin="pw\n"))
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="first\n"))
        self.assertRefused(self.ctl("user", "passwd", f"carol@{DOMAIN}", stdin="\n"))
        self.assertPassword("carol", "first")

    def test_del_removes_the_account(self):
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="pw\n"))
        self.assertOk(self.ctl("user", "add", f"dave@{DOMAIN}", stdin="pw\n"))
        self.assertOk(self.ctl("user", "del", f"carol@{DOMAIN}"))
        self.assertEqual(self.listed(), [f"dave@{DOMAIN}"])
        self.assertEqual(self.credentials("carol"), {})
        self.assertRefused(self.ctl("user", "del", f"carol@{DOMAIN}"))

    def test_del_and_passwd_tell_the_running_server(self):
        fake = self.fake_admin()
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="pw\n"))
        self.assertEqual(fake.requests, [], "adding a user needs no notification")
        self.assertOk(self.ctl("user", "passwd", f"Carol@{DOMAIN}", stdin="new\n"))
        self.assertOk(self.ctl("user", "del", f"carol@{DOMAIN}"))
        expected = {"command": "user-changed", "args": {"jid": f"carol@{DOMAIN}"}}
        self.assertEqual(fake.requests, [expected, expected])

    def test_del_succeeds_when_the_server_cannot_act_on_it(self):
        self.fake_admin(reply=lambda r: {"ok": False, "error": {
            "code": "admin.unknown-command", "message": "unknown command 'user-changed'"}})
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="pw\n"))
        result = self.ctl("user", "del", f"carol@{DOMAIN}")
        self.assertOk(result)
        self.assertIn("unknown command", result.stderr)
        self.assertEqual(self.listed(), [])

    def test_del_without_a_running_server_is_quiet(self):
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="pw\n"))
        result = self.ctl("user", "del", f"carol@{DOMAIN}")
        self.assertOk(result)
        self.assertEqual(result.stderr, "")

    # -- status / admin ------------------------------------------------------------------------

    def test_status_prints_the_servers_result(self):
        status = {"version": "0.1.0", "uptime": 42, "sessions": {"c2s": 3}}
        fake = self.fake_admin(reply=lambda r: {"ok": True, "result": status})
        result = self.ctl("status")
        self.assertOk(result)
        self.assertEqual(json.loads(result.stdout), status)
        self.assertEqual(fake.requests, [{"command": "status", "args": {}}])

    def test_status_without_a_server_exits_with_3(self):
        self.assertRefused(self.ctl("status"), code=3)
        # A socket file left behind by a killed server: still not running.
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(str(self.socket_path))
        stale.close()
        self.assertRefused(self.ctl("status"), code=3)

    def test_status_with_the_admin_socket_turned_off_exits_with_3(self):
        self.config.write_text(CONFIG.replace('"data/keyfed.sock"', '""'))
        result = self.ctl("status")
        self.assertRefused(result, code=3)
        self.assertIn("admin_socket", result.stderr)
        self.assertOk(self.ctl("user", "add", f"carol@{DOMAIN}", stdin="pw\n"))
        self.assertOk(self.ctl("user", "del", f"carol@{DOMAIN}"))

    def test_status_error_reply_exits_with_1(self):
        self.fake_admin(reply=lambda r: {"ok": False, "error": {
            "code": "admin.busy", "message": "too many admin connections"}})
        result = self.ctl("status")
        self.assertRefused(result)
        self.assertIn("too many admin connections", result.stderr)

    def test_a_server_that_does_not_answer_times_out(self):
        self.fake_admin(answer=False)
        result = self.ctl("--timeout", "0.5", "status")
        self.assertRefused(result)
        self.assertIn("timed out", result.stderr)

    def test_s2s_list_prints_a_line_per_pair(self):
        pairs = [
            {"local": "a.test", "remote": "b.test", "direction": "in", "state": "ready",
             "address": "127.0.0.2", "level": "trusted", "stream": 1, "seconds": 75,
             "evidence": "level=trusted tls certificate=valid sasl-external", "why": ""},
            {"local": "a.test", "remote": "c.test", "direction": "out", "state": "agent-only",
             "address": "127.0.0.3", "level": "secure", "stream": 2, "seconds": 5,
             "evidence": "level=secure tls certificate=none accepted(dialback)",
             "why": "c.test reaches 'secure', 'trusted' is required"},
            {"local": "a.test", "remote": "d.test", "direction": "out", "state": "pending",
             "address": "", "level": "", "stream": 3, "seconds": 1, "evidence": "", "why": ""}]
        fake = self.fake_admin(reply=lambda r: {"ok": True, "result": {"pairs": pairs}})
        result = self.ctl("s2s", "list")
        self.assertOk(result)
        self.assertEqual(result.stdout.splitlines(), [
            "in   b.test -> a.test  ready  trusted  127.0.0.2  75 s  "
            "tls certificate=valid sasl-external",
            "out  a.test -> c.test  agent-only  secure  127.0.0.3  5 s  "
            "tls certificate=none accepted(dialback)  "
            "(c.test reaches 'secure', 'trusted' is required)",
            "out  a.test -> d.test  pending  1 s"])
        self.assertEqual(fake.requests, [{"command": "s2s-list", "args": {}}])
        as_json = self.ctl("s2s", "list", "--json")
        self.assertOk(as_json)
        self.assertEqual(json.loads(as_json.stdout), {"pairs": pairs})

    def test_s2s_list_without_streams_says_so(self):
        self.fake_admin(reply=lambda r: {"ok": True, "result": {"pairs": []}})
        result = self.ctl("s2s", "list")
        self.assertOk(result)
        self.assertEqual(result.stdout, "no server-to-server streams\n")
        self.assertRefused(self.ctl("s2s"), code=2)

    def test_admin_passes_command_and_arguments_through(self):
        fake = self.fake_admin(reply=lambda r: {"ok": True, "result": {"echo": r["args"]}})
        result = self.ctl("admin", "agent-status", '{"peer": "partner.test", "verbose": true}')
        self.assertOk(result)
        self.assertEqual(json.loads(result.stdout),
                         {"echo": {"peer": "partner.test", "verbose": True}})
        self.assertOk(self.ctl("admin", "help"))
        self.assertEqual(fake.requests[-1], {"command": "help", "args": {}})

    def test_admin_arguments_must_be_a_json_object(self):
        fake = self.fake_admin()
        for bad in ("[1, 2]", "not json", '"text"'):
            with self.subTest(args=bad):
                self.assertRefused(self.ctl("admin", "agent-status", bad), code=2)
        self.assertEqual(fake.requests, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
