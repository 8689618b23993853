"""Small helpers around slixmpp 1.8 (Debian's python3-slixmpp) for end-to-end tests.

Every client connects to an explicit loopback address: slixmpp would otherwise resolve the
JID's domain (SRV, then A/AAAA) even when given an address, so ``Client`` answers its own
"DNS" with that address. Every wait is bounded. Stanzas and events that arrive are recorded
from the moment the client is created, so a test can act first and then wait for the
consequence without racing it.

Use from ``unittest.IsolatedAsyncioTestCase`` (each test gets its own event loop)::

    async with Client("alice@example.test", "pw", address=server.c2s_address,
                      ca_file=server.ca_file) as alice:
        alice.send_message(mto="bob@example.test", mbody="hi")
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape as xml_escape
from collections.abc import Callable
from pathlib import Path
from typing import Any

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

TIMEOUT = 10.0  # seconds; generous for sanitizer builds on a loaded 2-core machine
ROSTER_NS = "jabber:iq:roster"

DEFAULT_PLUGINS = ("xep_0030", "xep_0054", "xep_0077", "xep_0092", "xep_0191", "xep_0199",
                   "xep_0202")

# Events a test may wait for; recorded from construction on.
RECORDED_EVENTS = (
    "session_start", "session_bind", "auth_success", "failed_auth", "failed_all_auth",
    "no_auth", "connection_failed", "ssl_invalid_chain", "stream_error", "disconnected",
    "message", "message_error", "presence", "roster_update", "changed_subscription",
    "presence_subscribe", "presence_subscribed", "presence_unsubscribe",
    "presence_unsubscribed", "presence_available", "presence_unavailable", "presence_error",
    "stream_negotiated", "blocked", "unblocked",
    # XEP-0045 (plugin xep_0045): every presence from a room; once a room has sent one,
    # slixmpp no longer fires "presence" for it.
    "groupchat_presence",
)

LOGIN_FAILURES = ("failed_auth", "failed_all_auth", "no_auth", "connection_failed",
                  "ssl_invalid_chain", "stream_error", "disconnected")


class LoginError(Exception):
    """Login did not reach session_start; ``event`` names what happened instead."""

    def __init__(self, event: str, detail: Any = None) -> None:
        super().__init__(f"login failed: {event}: {detail!r}")
        self.event = event
        self.detail = detail


class EventTimeout(AssertionError):
    """A bounded wait ended without the expected event (an assertion: the test fails)."""


class Client(slixmpp.ClientXMPP):
    """A slixmpp client for one test.

    ``address``: (host, port) to connect to, always explicit. ``ca_file``: the test CA the
    server certificate must chain to; ``verify=False`` accepts any certificate (for tests
    about something else). ``mechanism``: force one SASL mechanism (e.g. "SCRAM-SHA-256").
    ``direct_tls``: TLS from the first byte (XEP-0368 port) instead of STARTTLS.
    ``starttls=False``: never upgrade (to check that the server refuses plaintext).
    ``tls_max``: e.g. ssl.TLSVersion.TLSv1_2 (slixmpp's -PLUS needs tls-unique, TLS 1.2 only).
    """

    def __init__(self, jid: str, password: str, *, address: tuple[str, int],
                 ca_file: Path | str | None = None, verify: bool = True,
                 mechanism: str | None = None, direct_tls: bool = False, starttls: bool = True,
                 tls_max: ssl.TLSVersion | None = None,
                 plugins: tuple[str, ...] = DEFAULT_PLUGINS, auto_subscription: bool = False,
                 plain_unencrypted: bool = False) -> None:
        mech_config: dict[str, Any] = {}
        self.forced_mechanism = mechanism
        if mechanism:
            mech_config["use_mech"] = mechanism
        if plain_unencrypted:
            mech_config["unencrypted_plain"] = True
        super().__init__(jid, password, sasl_mech=mechanism,
                         plugin_config={"feature_mechanisms": mech_config})
        self.target_address = (address[0], int(address[1]))
        self.direct_tls = direct_tls
        self.starttls_enabled = starttls
        self.whitespace_keepalive = False
        self.reconnect_max_attempts = 0
        if ca_file is not None:
            self.ca_certs = Path(ca_file)
        if not verify:
            self.ssl_context.check_hostname = False
            self.ssl_context.verify_mode = ssl.CERT_NONE
        if tls_max is not None:
            self.ssl_context.maximum_version = tls_max
        for plugin in plugins:
            self.register_plugin(plugin)
        # Tests drive the subscription handshake themselves unless they ask otherwise.
        self.auto_authorize = True if auto_subscription else None
        self.auto_subscribe = auto_subscription
        self._events: dict[str, list[Any]] = {name: [] for name in RECORDED_EVENTS}
        self._changed = asyncio.Event()
        for name in RECORDED_EVENTS:
            self.add_event_handler(name, self._recorder(name))

    # slixmpp resolves the JID domain even when given an address; tests never use DNS.
    async def get_dns_records(self, domain: str, port: int | None = None):
        host, port_ = self.target_address
        return [(domain, host, port_)]

    def _recorder(self, name: str) -> Callable[[Any], None]:
        def record(data: Any = None) -> None:
            self._events[name].append(data)
            self._changed.set()
        return record

    # --- connection -------------------------------------------------------------------------
    async def login(self, timeout: float = TIMEOUT, *, presence: bool = True,
                    roster: bool = True) -> "Client":
        """Connects, negotiates TLS and SASL, binds; raises LoginError on anything else.

        With ``presence``/``roster`` it then fetches the roster and sends initial presence, as
        an ordinary client does (so it receives messages and presence), and waits until the
        server has processed that presence: a message sent to this user right after login
        must find the session available, not go to offline storage.
        """
        self.connect(self.target_address, use_ssl=self.direct_tls,
                     force_starttls=self.starttls_enabled,
                     disable_starttls=not self.starttls_enabled)
        # Without a forced mechanism slixmpp moves on to the next one after a <failure/>
        # (e.g. a -PLUS binding the server cannot do), as a real client would: only the
        # end of that sequence is a failed login.
        failures = LOGIN_FAILURES if self.forced_mechanism else tuple(
            f for f in LOGIN_FAILURES if f != "failed_auth")
        await self.wait_session_start(failures, timeout)
        if roster:
            await self.get_roster(timeout=timeout)
        if presence:
            self.send_presence()
            await self.sync(timeout)
        return self

    async def wait_session_start(self, failures: tuple[str, ...], timeout: float) -> None:
        """Waits for session_start; drops the connection and raises LoginError naming the
        event when one of ``failures`` (or nothing) comes first."""
        try:
            name, data = await self.wait_any(("session_start",) + failures, timeout=timeout)
        except EventTimeout as exc:
            self.drop()
            raise LoginError("timeout", f"no session within {timeout} s") from exc
        if name != "session_start":
            self.drop()
            raise LoginError(name, data)

    async def sync(self, timeout: float = TIMEOUT) -> None:
        """A round trip to the server (XEP-0199 ping): a session's stanzas are processed in
        order, so everything sent before has been handled when the answer arrives."""
        try:
            await self.iq("get", "<ping xmlns='urn:xmpp:ping'/>", to=self.boundjid.domain,
                          timeout=timeout)
        except IqError:
            pass  # an error reply is a reply too

    async def close(self, timeout: float = 5.0) -> None:
        """Ends the stream politely, then drops the connection if the server does not answer."""
        if self.transport is None:
            self.drop()
            return
        try:
            await asyncio.wait_for(self.disconnect(wait=1.0), timeout=timeout)
        except (asyncio.TimeoutError, ConnectionError):
            pass
        self.drop()

    def drop(self) -> None:
        """Drops the connection without a closing handshake (whatever state it is in)."""
        try:
            self.abort()
        except (AttributeError, RuntimeError, OSError):
            # slixmpp 1.8 trips over a TLS transport the server already closed.
            self.transport = None
        self.cancel_connection_attempt()

    async def __aenter__(self) -> "Client":
        return await self.login()

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    @property
    def mechanism_used(self) -> str | None:
        mech = self.plugin["feature_mechanisms"].mech
        return getattr(mech, "mech_name", None) or getattr(mech, "name", None)

    # --- recorded events --------------------------------------------------------------------
    def events(self, name: str) -> list[Any]:
        """Everything recorded for ``name`` so far (not consumed)."""
        return list(self._events[name])

    async def wait_any(self, names: tuple[str, ...], timeout: float = TIMEOUT,
                       predicate: Callable[[str, Any], bool] | None = None) -> tuple[str, Any]:
        """Consumes and returns the first recorded (name, data) among ``names``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for name in names:
                queue = self._events[name]
                for index, data in enumerate(queue):
                    if predicate is None or predicate(name, data):
                        del queue[index]
                        return name, data
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise EventTimeout(f"{self.boundjid}: none of {names} within {timeout} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=remaining)
            except asyncio.TimeoutError:
                pass

    async def wait_event(self, name: str, timeout: float = TIMEOUT,
                         predicate: Callable[[Any], bool] | None = None) -> Any:
        _, data = await self.wait_any((name,), timeout,
                                      None if predicate is None else lambda _n, d: predicate(d))
        return data

    async def expect_no_event(self, name: str, within: float = 1.0,
                              predicate: Callable[[Any], bool] | None = None) -> None:
        """Fails if ``name`` (matching ``predicate``) is recorded within ``within`` seconds."""
        try:
            data = await self.wait_event(name, within, predicate)
        except EventTimeout:
            return
        raise AssertionError(f"{self.boundjid}: unexpected {name}: {data}")

    async def expect_message(self, *, sender: str | None = None, body: str | None = None,
                             mtype: str | None = None, timeout: float = TIMEOUT):
        """The next message from ``sender`` (bare or full JID) with ``body``."""
        def match(msg) -> bool:
            if sender is not None and str(msg["from"]) != sender and \
                    str(msg["from"].bare) != sender:
                return False
            if body is not None and msg["body"] != body:
                return False
            return mtype is None or msg["type"] == mtype
        return await self.wait_event("message", timeout, match)

    async def expect_presence(self, *, sender: str | None = None, ptype: str | None = None,
                              timeout: float = TIMEOUT):
        """The next presence from ``sender`` (bare or full JID) of type ``ptype``."""
        def match(pres) -> bool:
            if sender is not None and str(pres["from"]) != sender and \
                    str(pres["from"].bare) != sender:
                return False
            return ptype is None or pres["type"] == ptype
        return await self.wait_event("presence", timeout, match)

    # --- requests ---------------------------------------------------------------------------
    async def iq(self, itype: str, payload: str | ET.Element | None = None, *,
                 to: str | None = None, timeout: float = TIMEOUT):
        """Sends an IQ with ``payload`` (XML text or element) and returns the result stanza.

        Raises slixmpp's IqError (``err.iq['error']['condition']``) or IqTimeout.
        """
        iq = self.Iq()
        iq["type"] = itype
        if to is not None:
            iq["to"] = to
        if payload is not None:
            iq.append(ET.fromstring(payload) if isinstance(payload, str) else payload)
        return await iq.send(timeout=timeout)

    async def roster_items(self, timeout: float = TIMEOUT) -> dict[str, dict[str, Any]]:
        """The roster as the server has it: {bare jid: {subscription, ask, name, groups}}."""
        result = await self.iq("get", f"<query xmlns='{ROSTER_NS}'/>", timeout=timeout)
        return parse_roster(result.xml)

    async def roster_set(self, jid: str, *, name: str | None = None, groups: tuple[str, ...] = (),
                         remove: bool = False, timeout: float = TIMEOUT):
        item = ET.Element(f"{{{ROSTER_NS}}}item", {"jid": jid})
        if remove:
            item.set("subscription", "remove")
        if name is not None:
            item.set("name", name)
        for group in groups:
            ET.SubElement(item, f"{{{ROSTER_NS}}}group").text = group
        query = ET.Element(f"{{{ROSTER_NS}}}query")
        query.append(item)
        return await self.iq("set", query, timeout=timeout)


class RegistrationError(Exception):
    """In-band registration was refused; ``condition`` is the stanza error condition."""

    def __init__(self, condition: str | None, stanza: str) -> None:
        super().__init__(f"registration refused ({condition}): {stanza}")
        self.condition = condition


async def register_account(address: tuple[str, int], domain: str, username: str, password: str,
                           *, ca_file: Path | str | None, timeout: float = TIMEOUT) -> None:
    """XEP-0077 in-band registration over STARTTLS on a fresh connection.

    slixmpp's xep_0077 registers after logging in; a new account has nothing to log in with,
    so this speaks the protocol on a raw stream (in a thread, to keep the loop free).
    """
    from .raw import RawStream, stanza_error_condition  # raw does not need slixmpp

    def work() -> None:
        with RawStream(address[0], address[1], domain=domain, ca_file=ca_file,
                       timeout=timeout) as raw:
            raw.open()
            raw.starttls()
            raw.open()
            reply = raw.iq("set", f"<query xmlns='jabber:iq:register'><username>"
                                  f"{xml_escape(username)}</username><password>"
                                  f"{xml_escape(password)}</password></query>")
            if reply.get("type") != "result":
                raise RegistrationError(stanza_error_condition(reply),
                                        ET.tostring(reply, encoding="unicode"))

    await asyncio.wait_for(asyncio.to_thread(work), timeout=timeout + 5)


def parse_roster(element: ET.Element) -> dict[str, dict[str, Any]]:
    items = {}
    for item in element.iter(f"{{{ROSTER_NS}}}item"):
        items[item.get("jid")] = {
            "subscription": item.get("subscription", "none"),
            "ask": item.get("ask"),
            "name": item.get("name"),
            "groups": sorted(g.text or "" for g in item.findall(f"{{{ROSTER_NS}}}group")),
        }
    return items


def iq_error_condition(error: IqError) -> str:
    return error.iq["error"]["condition"]


@contextlib.asynccontextmanager
async def logged_in(*clients: Client, timeout: float = TIMEOUT):
    """Logs in several clients concurrently and closes them all at the end."""
    try:
        await asyncio.gather(*(client.login(timeout) for client in clients))
        yield clients
    finally:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)


def quiet_slixmpp(level: int = logging.CRITICAL) -> None:
    """slixmpp logs expected failures (wrong password, refused TLS) as errors; tests assert them."""
    logging.getLogger("slixmpp").setLevel(level)
    # IsolatedAsyncioTestCase runs loops in debug mode, which logs every slow callback.
    logging.getLogger("asyncio").setLevel(logging.ERROR)


__all__ = ["Client", "LoginError", "EventTimeout", "IqError", "IqTimeout", "TIMEOUT",
           "RegistrationError", "register_account", "logged_in", "parse_roster",
           "iq_error_condition", "quiet_slixmpp"]
