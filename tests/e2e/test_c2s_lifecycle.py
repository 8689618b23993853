"""c2s suite, part 5: the server as a process: shutdown, durability across kill -9, timeouts,
configured limits, throttling, registration switched off, the admin tool and --check-config.
Each test starts its own server. Runs against keyfed by default; E2E_TARGET=prosody validates
what applies to Prosody."""

import signal
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

from harness.clients import LoginError
from harness.process import ServerError
from harness.raw import NS_SASL, q, sasl_condition, stanza_error_condition
from harness.target import make_server
from harness.testcase import PerTestServerCase

NS_REGISTER = "jabber:iq:register"
NS_REGISTER_FEATURE = "http://jabber.org/features/iq-register"


class Lifecycle(PerTestServerCase):
    async def test_sigterm_closes_streams_and_exits_cleanly(self):
        server = self.start_server()
        jid, password = self.user("leaving")
        client = await self.login(jid, password)
        raw = self.raw()
        raw.login(jid.split("@")[0], password, resource="raw")
        server.proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        end = raw.wait_end(timeout=6)
        self.assertTrue(end.terminated, end)
        # RFC 6120 4.9.3.19: streams closed because the server shuts down say so.
        if self.strict("reliable-system-shutdown"):
            self.assertEqual(end.condition, "system-shutdown", end)
        else:
            self.assertIn(end.condition, (None, "system-shutdown"), end)
        await client.wait_event("disconnected", timeout=6)
        code = server.proc.wait(timeout=6)
        self.assertLess(time.monotonic() - started, 6)
        self.assertEqual(code, 0, "SIGTERM must end the server gracefully with exit code 0")

    async def test_accepted_data_survives_kill_9(self):
        server = self.start_server()
        alice, alice_pw = self.user("alice")
        bob, bob_pw = self.user("bob")
        client = await self.login(alice, alice_pw)
        await client.roster_set(bob, name="Bob", groups=("Durable",))
        client.send_message(mto=bob, mbody="stored before the crash", mtype="chat")
        # The round trip proves the message was processed (accepted) before the kill.
        await client.sync()
        await self.close_connections()
        server.kill()
        server.start()
        client = await self.login(alice, alice_pw)
        roster = await client.roster_items()
        self.assertEqual(roster[bob]["groups"], ["Durable"])
        bob_client = await self.login(bob, bob_pw)
        await bob_client.expect_message(body="stored before the crash")

    def test_unauthenticated_connection_times_out(self):
        self.start_server(keyfed_config={"limits": {"auth_timeout": 2}},
                          prosody_options={"c2s_timeout": 2})
        raw = self.raw()
        raw.open()
        started = time.monotonic()
        end = raw.wait_end(timeout=10)
        self.assertTrue(end.terminated, "an unauthenticated stream outlived auth_timeout")
        self.assertLess(time.monotonic() - started, 9)
        if end.condition is not None:
            self.assertEqual(end.condition, "connection-timeout")

    def test_idle_authenticated_connection_times_out(self):
        self.requires("idle-timeout")
        self.start_server(keyfed_config={"limits": {"c2s_idle_timeout": 2}})
        jid, password = self.user("idle")
        raw = self.raw()
        raw.login(jid.split("@")[0], password)
        end = raw.wait_end(timeout=10)
        self.assertStreamError(end, "connection-timeout")

    async def test_configured_stanza_size_limit(self):
        self.start_server(keyfed_config={"limits": {"c2s_stanza_size": 8192}},
                          prosody_options={"c2s_stanza_size_limit": 8192})
        jid, password = self.user("sizer")
        receiver = await self.login(jid, password)
        raw = self.raw()
        full = raw.login(jid.split("@")[0], password, resource="raw")
        raw.send(f"<message to='{receiver.boundjid}'><body>{'s' * 4000}</body></message>")
        await receiver.expect_message(body="s" * 4000)
        raw.send(f"<message to='{receiver.boundjid}'><body>{'L' * 16000}</body></message>")
        self.assertStreamError(raw.wait_end(), "policy-violation")
        await receiver.expect_no_event("message", within=0.5,
                                       predicate=lambda m: m["body"].startswith("L"))
        self.assertTrue(full)

    def test_failed_logins_are_throttled_per_ip(self):
        self.requires("auth-throttling")
        self.start_server(keyfed_config={"limits": {"auth_failures": 3,
                                                    "auth_failure_window": 60}})
        jid, password = self.user("target")
        user = jid.split("@")[0]

        def attempt(secret: str, source: str = "127.0.0.1") -> ET.Element:
            raw = self.raw(source_address=source)
            raw.open()
            raw.starttls()
            raw.open()
            return raw.auth_plain(user, secret)

        for _ in range(3):
            self.assertEqual(sasl_condition(attempt("guess")), "not-authorized")
        # Over the limit even the right password is refused from this address ...
        blocked = attempt(password)
        self.assertEqual(blocked.tag, q(NS_SASL, "failure"), ET.tostring(blocked))
        self.assertIn(sasl_condition(blocked), ("temporary-auth-failure", "not-authorized"))
        # ... while another address is unaffected (the whole 127/8 is loopback on Linux).
        self.assertEqual(attempt(password, source="127.0.0.2").tag, q(NS_SASL, "success"))

    def test_registration_switched_off(self):
        self.start_server(allow_registration=False)
        raw = self.raw()
        raw.open()
        raw.starttls()
        features = raw.open()
        self.assertIsNone(features.find(f"{{{NS_REGISTER_FEATURE}}}register"))
        reply = raw.iq("set", f"<query xmlns='{NS_REGISTER}'><username>sneaky</username>"
                              "<password>pw</password></query>")
        self.assertEqual(reply.get("type"), "error")
        self.assertIn(stanza_error_condition(reply), ("service-unavailable", "not-allowed"))
        self.assertNotEqual(raw.auth_plain("sneaky", "pw").tag, q(NS_SASL, "success"))


class AdminTool(PerTestServerCase):
    """keyfedctl user add|del|passwd|list against a running server."""

    def ctl(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return self.server.ctl_run(*args, stdin=stdin)

    async def test_user_add_passwd_del_list(self):
        self.requires("keyfedctl")
        self.start_server()
        jid = f"carol@{self.domain}"
        added = self.ctl("user", "add", jid, stdin="first-password\n")
        self.assertEqual(added.returncode, 0, added.stderr)
        listed = self.ctl("user", "list", self.domain)
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn(jid, listed.stdout)
        client = await self.login(jid, "first-password")
        await client.close()

        duplicate = self.ctl("user", "add", jid, stdin="again\n")
        self.assertNotEqual(duplicate.returncode, 0, "adding an existing user must fail")

        changed = self.ctl("user", "passwd", jid, stdin="second-password\n")
        self.assertEqual(changed.returncode, 0, changed.stderr)
        with self.assertRaises(LoginError):
            await self.client(jid, "first-password", mechanism="PLAIN").login()
        client = await self.login(jid, "second-password")
        await client.close()

        deleted = self.ctl("user", "del", jid)
        self.assertEqual(deleted.returncode, 0, deleted.stderr)
        with self.assertRaises(LoginError):
            await self.client(jid, "second-password", mechanism="PLAIN").login()
        self.assertNotIn(jid, self.ctl("user", "list", self.domain).stdout)

    def test_invalid_input_is_refused(self):
        self.requires("keyfedctl")
        self.start_server()
        for bad in ("no-at-sign", f"two@at@{self.domain}", f"@{self.domain}",
                    "user@not-served-here.test"):
            result = self.ctl("user", "add", bad, stdin="password\n")
            self.assertNotEqual(result.returncode, 0, f"keyfedctl accepted {bad!r}")
            self.assertTrue(result.stderr.strip(), "a refusal must say why")
        empty = self.ctl("user", "add", f"nopassword@{self.domain}", stdin="\n")
        self.assertNotEqual(empty.returncode, 0, "an empty password must be refused")


class ConfigCheck(PerTestServerCase):
    """keyfed --check-config and refusing to start on a broken config (docs/config.md)."""

    def check(self, server) -> subprocess.CompletedProcess:
        return subprocess.run([server.binary, "--check-config", "--config",
                               str(server.config_file)], capture_output=True, text=True,
                              timeout=30, check=False)

    def test_good_config_is_ok_and_typo_is_reported_with_location(self):
        self.requires("check-config")
        server = make_server()
        self.addCleanup(server.cleanup)
        server.write_config()
        result = self.check(server)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(f"{server.config_file}: ok", result.stdout + result.stderr)

        text = server.config_file.read_text().replace("log_level", "log_levle", 1)
        server.config_file.write_text(text)
        line = next(i for i, l in enumerate(text.splitlines(), 1) if "log_levle" in l)
        result = self.check(server)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        output = result.stdout + result.stderr
        self.assertIn(f"{server.config_file}:{line}:", output)
        self.assertIn("log_levle", output)

    def test_server_refuses_to_start_with_a_missing_certificate(self):
        self.requires("check-config")
        options = {"keyfed_config": {"virtual_host": [{"domain": "e2e.test",
                                                       "certificate": "certs/missing.crt",
                                                       "key": "certs/missing.key"}]}}
        server = make_server(**options)
        server.check_config = False
        self.addCleanup(server.cleanup)
        with self.assertRaises(ServerError) as failure:
            server.start()
        self.assertIn("missing.crt", str(failure.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
