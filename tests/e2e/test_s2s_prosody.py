"""keyfed federating with a real Prosody (Debian's 0.12): a.test (keyfed) and p.test (Prosody)
on loopback with static routes on both sides. Once with TLS and certificates from the test CA
(keyfed requires "trusted", Prosody s2s_secure_auth), once with plain dialback and no TLS at
all (keyfed "verified"). Messages and presence cross in both directions."""

from __future__ import annotations

import asyncio
import re
import unittest
from collections import Counter

from harness.clients import Client, logged_in, quiet_slixmpp
from harness.federation import s2s_section, wait_for_log
from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from harness.process import free_ports
from harness.prosody_server import DEFAULT_MODULES, ProsodyServer, prosody_available

HOST = "127.0.0.1"
QUIET = 1.6  # seconds: more than the 1 s after which a quiet stream's parser sleeps


@unittest.skipUnless(keyfed_available() and keyfedctl_available(),
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them)")
@unittest.skipUnless(prosody_available(), "prosody is not installed (make deps installs it)")
class KeyfedWithProsody(unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        quiet_slixmpp()
        self.servers = []

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in getattr(self, "servers", []):
                server.dump_log(lines=120)
        return outcome

    def start(self, *, keyfed_s2s: dict, keyfed_config: dict | None = None,
              keyfed_certs: dict | None = None, prosody_options: dict | None = None,
              prosody_modules=DEFAULT_MODULES, secure_auth: bool = True):
        port_k, port_p = free_ports(2)
        section = dict(keyfed_s2s)
        section["route"] = [{"domain": "p.test", "address": f"{HOST}:{port_p}"}]
        config = {"s2s": section, **(keyfed_config or {})}
        keyfed = KeyfedServer(("a.test",), listeners=("c2s", "s2s"), ports={"s2s": port_k},
                              users={"alice@a.test": "pw-alice"}, config=config,
                              certs=keyfed_certs)
        prosody = ProsodyServer(("p.test",), users={"pete@p.test": "pw-pete"},
                                listeners=("c2s", "s2s"), ports={"s2s": port_p},
                                s2s_routes={"a.test": (HOST, port_k)},
                                s2s_secure_auth=secure_auth, modules=prosody_modules,
                                options=prosody_options)
        for server in (keyfed, prosody):
            self.servers.append(server)
            self.addCleanup(server.cleanup)
            server.start()
        return keyfed, prosody

    async def exchange(self, keyfed, prosody, *, tls: bool = True) -> None:
        options = {} if tls else {"starttls": False}
        alice = Client("alice@a.test", "pw-alice", address=(keyfed.host, keyfed.c2s_port),
                       ca_file=keyfed.ca_file, auto_subscription=True, **options)
        pete = Client("pete@p.test", "pw-pete", address=(prosody.host, prosody.c2s_port),
                      ca_file=prosody.ca_file, auto_subscription=True, **options)
        async with logged_in(alice, pete):
            # keyfed -> Prosody first, then Prosody -> keyfed on its own stream.
            alice.send_message(mto="pete@p.test", mbody="hello prosody", mtype="chat")
            message = await pete.expect_message(body="hello prosody", timeout=15)
            self.assertEqual(message["from"], alice.boundjid)
            pete.send_message(mto=message["from"], mbody="hello keyfed", mtype="chat")
            await alice.expect_message(sender=str(pete.boundjid), body="hello keyfed")

            alice.send_presence_subscription(pto="pete@p.test")
            await alice.expect_presence(sender="pete@p.test", ptype="subscribed", timeout=15)
            await alice.expect_presence(sender=str(pete.boundjid), ptype="available")
            await pete.expect_presence(sender=str(alice.boundjid), ptype="available")

            # Quiet s2s streams put their XML parsers to sleep after a second (like c2s
            # streams, docs/performance.md); the next bytes from Prosody wake them.
            for round_ in range(2):
                await asyncio.sleep(QUIET)
                alice.send_message(mto="pete@p.test", mbody=f"after a pause {round_}",
                                   mtype="chat")
                await pete.expect_message(body=f"after a pause {round_}", timeout=15)
                await asyncio.sleep(QUIET)
                pete.send_message(mto=str(alice.boundjid), mbody=f"still here {round_}",
                                  mtype="chat")
                await alice.expect_message(sender=str(pete.boundjid), body=f"still here {round_}")
            await asyncio.sleep(QUIET)
        # Both streams slept; the one Prosody's messages arrive on woke for each of pete's
        # two messages and went back to sleep after each (the other only ever sends).
        naps = Counter(re.findall(r"s2s stream (\d+) with \S+ quiet, parser asleep",
                                  keyfed.log_text()))
        self.assertEqual(len(naps), 2, naps)
        self.assertGreaterEqual(max(naps.values()), 3, naps)

    async def test_trusted_with_certificates_both_directions(self):
        keyfed, prosody = self.start(keyfed_s2s=s2s_section(level="trusted"))
        await self.exchange(keyfed, prosody)
        inbound = wait_for_log(keyfed, "allowed inbound a.test <- p.test")
        self.assertIn("level=trusted", inbound)
        self.assertIn("certificate=valid", inbound)
        outbound = wait_for_log(keyfed, "allowed outbound a.test -> p.test")
        self.assertIn("level=trusted", outbound)
        # Prosody checked keyfed's certificate (chain and name) in its s2s_secure_auth mode.
        log = prosody.log_text()
        self.assertIn("certificate chain validation result: valid", log)
        self.assertIn("certificate identity validation result: valid", log)

    async def test_verified_dialback_without_tls_both_directions(self):
        # No TLS anywhere: keyfed has no certificate, Prosody runs without mod_tls; both
        # sides can only use dialback, and keyfed is told that "verified" is enough.
        keyfed, prosody = self.start(
            keyfed_s2s=s2s_section(level="verified", require_tls=False),
            keyfed_config={"c2s": {"require_tls": False}}, keyfed_certs={"a.test": None},
            prosody_modules=tuple(m for m in DEFAULT_MODULES if m != "tls"),
            prosody_options={"s2s_require_encryption": False, "c2s_require_encryption": False,
                             "allow_unencrypted_plain_auth": True},
            secure_auth=False)
        await self.exchange(keyfed, prosody, tls=False)
        for direction, arrow in (("inbound", "<-"), ("outbound", "->")):
            line = wait_for_log(keyfed, f"allowed {direction} a.test {arrow} p.test")
            self.assertIn("level=verified", line)
            self.assertIn("no-tls", line)
        # keyfed answered Prosody's <db:verify/> (authoritative role) and asked Prosody
        # to verify p.test's key (receiving role).
        self.assertIn("dialback", wait_for_log(keyfed, "allowed inbound a.test <- p.test"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
