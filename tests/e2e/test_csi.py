"""XEP-0352 Client State Indication end to end with slixmpp's xep_0352: an inactive session
gets a message with a body at once but presence only when it becomes active; held presence is
coalesced and comes before a later message, in order."""

import asyncio
import unittest

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.testcase import ServerTestCase

PLUGINS = DEFAULT_PLUGINS + ("xep_0352",)


class ClientStateIndication(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        juliet, password = self.user("juliet")
        self.juliet = await self.login(f"{juliet}/phone", password, plugins=PLUGINS)
        romeo, romeo_pw = self.user("romeo")
        self.romeo = await self.login(f"{romeo}/balcony", romeo_pw)
        self.romeo_jid = str(self.romeo.boundjid)
        self.assertTrue(self.juliet.plugin["xep_0352"].enabled, "no <csi/> stream feature")

    async def go(self, state: str) -> None:
        csi = self.juliet.plugin["xep_0352"]
        csi.send_inactive() if state == "inactive" else csi.send_active()
        await self.juliet.sync()  # the server has taken the state before what follows

    def directed_presence(self, show: str) -> None:
        self.romeo.send_presence(pto=str(self.juliet.boundjid), pshow=show)

    def from_romeo(self, stanza) -> bool:
        return str(stanza["from"]) == self.romeo_jid

    async def test_inactive_session_gets_presence_only_when_active(self):
        await self.go("inactive")
        self.directed_presence("away")
        await self.romeo.sync()
        await self.juliet.expect_no_event("presence", within=1.5, predicate=self.from_romeo)
        await self.go("active")
        presence = await self.juliet.wait_event("presence", TIMEOUT, self.from_romeo)
        self.assertEqual(presence["show"], "away")

    async def test_inactive_session_gets_a_message_at_once(self):
        await self.go("inactive")
        self.romeo.send_message(mto=str(self.juliet.boundjid), mbody="urgent", mtype="chat")
        await self.juliet.expect_message(body="urgent", timeout=3.0)

    async def test_held_presence_is_coalesced_and_flushed_before_a_message(self):
        order: list[str] = []
        self.juliet.add_event_handler(
            "presence", lambda p: self.from_romeo(p) and order.append(f"presence:{p['show']}"))
        self.juliet.add_event_handler(
            "message", lambda m: m["body"] and order.append(f"message:{m['body']}"))
        await self.go("inactive")
        for show in ("away", "xa", "dnd"):
            self.directed_presence(show)
        self.romeo.send_message(mto=str(self.juliet.boundjid), mbody="hello", mtype="chat")
        await self.juliet.expect_message(body="hello")
        await asyncio.sleep(0.2)
        self.assertEqual(order, ["presence:dnd", "message:hello"])

    async def test_active_session_gets_presence_at_once(self):
        await self.go("inactive")
        await self.go("active")
        self.directed_presence("chat")
        presence = await self.juliet.wait_event("presence", 3.0, self.from_romeo)
        self.assertEqual(presence["show"], "chat")


if __name__ == "__main__":
    unittest.main()
