"""unittest glue: one server per test class, fresh users per test, the server log on failure.

    class RosterTest(ServerTestCase):
        async def test_push(self):
            alice = await self.login(*self.user("alice"))
            ...

Each test method runs in its own asyncio loop (IsolatedAsyncioTestCase); clients and raw
streams opened through the helpers are closed after the test, and the test fails if the server
died meanwhile.
"""

from __future__ import annotations

import itertools
import secrets
import unittest

from .clients import Client, quiet_slixmpp
from .process import ServerProcess
from .raw import RawStream, StreamEnd
from .target import accepted_stream_errors, lacks, make_server, target_kind


class _E2ETestCase(unittest.IsolatedAsyncioTestCase):
    """Helpers shared by both flavours; ``self.server`` is the server they talk to."""

    server: ServerProcess
    kind: str = ""
    _user_ids = itertools.count(1)

    def servers_to_report(self) -> list[ServerProcess]:
        return [self.server] if getattr(self, "server", None) is not None else []

    def run(self, result=None):
        # Print the server log under each failing test: the client side alone rarely explains.
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            for server in self.servers_to_report():
                server.dump_log(lines=150)
        return outcome

    async def asyncSetUp(self) -> None:
        self._clients: list[Client] = []
        self._raws: list[RawStream] = []

    async def close_connections(self) -> None:
        for client in self._clients:
            await client.close(timeout=3.0)
        for raw in self._raws:
            raw.close()
        self._clients, self._raws = [], []


    # --- helpers ----------------------------------------------------------------------------
    @property
    def domain(self) -> str:
        return self.server.domain

    @property
    def c2s_address(self) -> tuple[str, int]:
        return (self.server.host, self.server.c2s_port)

    def requires(self, feature: str) -> None:
        """Skips the test when the target lacks ``feature`` (documented in harness/target.py)."""
        reason = lacks(feature, self.kind)
        if reason:
            self.skipTest(f"{self.kind}: {reason}")

    def strict(self, feature: str) -> bool:
        """True unless the target is documented to lack ``feature`` (then a test checks only
        the part every correct server shares)."""
        return lacks(feature, self.kind) is None

    def user(self, prefix: str = "user", password: str | None = None) -> tuple[str, str]:
        """A new account on the server: (bare JID, password)."""
        jid = f"{prefix}{next(self._user_ids)}-{secrets.token_hex(3)}@{self.domain}"
        password = password or secrets.token_urlsafe(12)
        self.server.add_user(jid, password)
        return jid, password

    def client(self, jid: str, password: str, **options) -> Client:
        """A client for this server (test CA trusted), closed after the test."""
        direct_tls = options.pop("direct_tls", False)
        port = self.server.c2s_direct_tls_port if direct_tls else self.server.c2s_port
        options.setdefault("ca_file", self.server.ca_file)
        client = Client(jid, password, address=(self.server.host, port), direct_tls=direct_tls,
                        **options)
        self._clients.append(client)
        return client

    async def login(self, jid: str, password: str, **options) -> Client:
        return await self.client(jid, password, **options).login()

    def raw(self, *, direct_tls: bool = False, **options) -> RawStream:
        """A raw socket to the c2s (or direct TLS) listener, closed after the test."""
        port = self.server.c2s_direct_tls_port if direct_tls else self.server.c2s_port
        options.setdefault("ca_file", self.server.ca_file)
        stream = RawStream(self.server.host, port, domain=self.domain, direct_tls=direct_tls,
                           **options)
        self._raws.append(stream)
        return stream

    def assertStreamError(self, end: StreamEnd, rfc_condition: str) -> None:
        """The stream ended with ``rfc_condition`` (or the documented Prosody equivalent)."""
        accepted = accepted_stream_errors(rfc_condition, self.kind)
        self.assertIn(end.condition, accepted,
                      f"expected stream error {sorted(accepted)}, got {end}")
        self.assertTrue(end.terminated, f"the server kept the stream open after the error: {end}")

    async def assertServerStillServes(self) -> None:
        """A new user can still log in and exchange a message with itself."""
        jid, password = self.user("probe")
        probe = await self.login(jid, password)
        probe.send_message(mto=str(probe.boundjid), mbody="still there?")
        await probe.expect_message(body="still there?")
        await probe.close()


class ServerTestCase(_E2ETestCase):
    """Starts ``make_server(**server_options)`` once for the class."""

    server_options: dict = {}

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        quiet_slixmpp()
        cls.kind = target_kind()
        cls.server = make_server(**cls.server_options)
        try:
            cls.server.start()
        except BaseException:
            cls.server.dump_log()
            cls.server.cleanup()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.cleanup()
        super().tearDownClass()

    async def asyncTearDown(self) -> None:
        await self.close_connections()
        self.assertTrue(self.server.is_running(),
                        f"{self.server.kind} is no longer running (exit {self.server.returncode})")


class PerTestServerCase(_E2ETestCase):
    """Each test starts the servers it needs with ``start_server(**make_server options)``;
    the latest one becomes ``self.server`` for the helpers. All are stopped after the test."""

    def setUp(self) -> None:
        quiet_slixmpp()
        self.kind = target_kind()
        self._servers: list[ServerProcess] = []

    def servers_to_report(self) -> list[ServerProcess]:
        return list(getattr(self, "_servers", []))

    def start_server(self, **options) -> ServerProcess:
        server = make_server(**options)
        self._servers.append(server)
        self.addCleanup(server.cleanup)
        self.server = server
        server.start()
        return server

    async def asyncTearDown(self) -> None:
        await self.close_connections()
