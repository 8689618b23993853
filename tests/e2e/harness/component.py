"""An external component (XEP-0114) for end-to-end tests: slixmpp's ComponentXMPP on an
explicit loopback address, with the event recording and bounded waits of ``clients.Client``.

    gw = Component("gw.keyfed.test", SECRET, address=(server.host, server.listeners["component"]))
    await gw.start()          # the handshake succeeded, or LoginError says what happened
"""

from __future__ import annotations

import asyncio
from typing import Any

import slixmpp

from .clients import TIMEOUT, Client

COMPONENT_EVENTS = ("session_start", "stream_error", "disconnected", "connection_failed",
                    "message", "presence")


class Component(slixmpp.ComponentXMPP):
    """``domain`` and ``secret`` as configured in [[component]]; ``address``: the component
    listener. Plugins: XEP-0030, so disco#info to the component domain is answered by it."""

    # The recording and waiting of the test client, shared rather than repeated.
    events = Client.events
    wait_any = Client.wait_any
    wait_event = Client.wait_event
    expect_no_event = Client.expect_no_event
    expect_message = Client.expect_message
    get_dns_records = Client.get_dns_records
    drop = Client.drop
    close = Client.close
    wait_session_start = Client.wait_session_start
    _recorder = Client._recorder

    def __init__(self, domain: str, secret: str, *, address: tuple[str, int]) -> None:
        super().__init__(domain, secret)
        self.target_address = (address[0], int(address[1]))
        self.whitespace_keepalive = False
        self.reconnect_max_attempts = 0
        self.register_plugin("xep_0030")
        self._events: dict[str, list[Any]] = {name: [] for name in COMPONENT_EVENTS}
        self._changed = asyncio.Event()
        for name in COMPONENT_EVENTS:
            self.add_event_handler(name, self._recorder(name))

    async def start(self, timeout: float = TIMEOUT) -> "Component":
        """Connects and sends the handshake; returns once the server accepted it, or raises
        LoginError ("stream_error" with the stream error, "disconnected", ...)."""
        self.connect(*self.target_address)
        await self.wait_session_start(("stream_error", "disconnected", "connection_failed"),
                                      timeout)
        return self
