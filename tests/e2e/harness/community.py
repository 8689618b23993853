"""What the clearinghouse suites share (test_clearinghouse*.py): one keyfed per domain, each on
its own loopback address with its s2s port agreed in advance, keys from the built keynote CLI,
keyfedctl calls that must succeed, a client per member, and every server's log on failure."""

from __future__ import annotations

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

from .clients import Client, quiet_slixmpp
from .keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available
from .process import free_ports

KEYNOTE = os.environ.get("KEYNOTE", "")


def community_available() -> bool:
    return keyfed_available() and keyfedctl_available() and bool(KEYNOTE)


def minimum_level_policy(level: int) -> str:
    """A member's KeyNote POLICY: federate only with peers of at least ``level``."""
    return ('KeyNote-Version: 2\nAuthorizer: "POLICY"\n'
            'Conditions: app_domain == "keyfed-federation" && '
            f'@Peer_Level >= {level} -> "true";\n')


def keygen(out: Path, name: str) -> None:
    """An Ed25519 KeyNote key pair: out/NAME.pub and out/NAME.key."""
    subprocess.run([KEYNOTE, "keygen", "ed25519-hex:", "256", str(out / f"{name}.pub"),
                    str(out / f"{name}.key"), "0", "4096"], check=True, capture_output=True,
                   timeout=60)


class CommunityCase(unittest.IsolatedAsyncioTestCase):
    """HOSTS: {domain: loopback address}; USERS: {domain: the user who logs in there}; KEYS:
    the key pairs made once for the class in ``cls.out`` (NAME.pub, NAME.key)."""

    HOSTS: dict[str, str] = {}
    USERS: dict[str, str] = {}
    KEYS: tuple[str, ...] = ("ch",)

    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="keyfed-community-")
        cls.out = Path(cls.tmp.name)
        for name in cls.KEYS:
            keygen(cls.out, name)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def setUp(self) -> None:
        quiet_slixmpp()
        self.servers: dict[str, KeyfedServer] = {}
        self.ports = {domain: free_ports(1, host)[0] for domain, host in self.HOSTS.items()}

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in getattr(self, "servers", {}).values():
                server.dump_log(lines=80)
        return outcome

    def start_server(self, domain: str, config: dict) -> KeyfedServer:
        """keyfed for ``domain`` with c2s and s2s listeners, its user, and ``config``."""
        users = {f"{self.USERS[domain]}@{domain}": "pw"} if domain in self.USERS else {}
        server = KeyfedServer((domain,), host=self.HOSTS[domain], listeners=("c2s", "s2s"),
                              ports={"s2s": self.ports[domain]}, users=users, config=config)
        self.servers[domain] = server
        self.addCleanup(server.cleanup)
        server.start()
        return server

    def ctl_ok(self, server: KeyfedServer, *args: str) -> str:
        proc = server.ctl_run(*args)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        return proc.stdout

    def client(self, domain: str) -> Client:
        server = self.servers[domain]
        return Client(f"{self.USERS[domain]}@{domain}", "pw",
                      address=(server.host, server.c2s_port), ca_file=server.ca_file)
