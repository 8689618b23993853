"""Waiting for a slixmpp event that a test cannot ask for with an iq: carbons, pubsub
notifications."""

import asyncio

from harness.clients import TIMEOUT


class Recorder:
    """Collects one slixmpp event (carbon_received, pubsub_publish, ...) of one client."""

    def __init__(self, client, event: str) -> None:
        self.items: list = []
        self._changed = asyncio.Event()
        client.add_event_handler(event, self._record)

    def _record(self, stanza) -> None:
        self.items.append(stanza)
        self._changed.set()

    async def wait_for(self, predicate, timeout: float = TIMEOUT):
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for item in self.items:
                if predicate(item):
                    return item
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"no matching event; got {[str(i) for i in self.items]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
