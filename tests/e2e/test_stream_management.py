"""XEP-0198 Stream Management end to end: a raw client enables SM with resumption, its TCP
connection is cut while messages keep coming, it resumes on a new connection and receives every
unacknowledged message; without resumption the messages land in offline storage; a clean close
ends the session for good. Plus slixmpp's xep_0198 enabling and acking against the server."""

import asyncio
import socket
import struct
import time
import unittest

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.raw import NS_CLIENT, NS_STANZAS_ERR, q
from harness.testcase import PerTestServerCase

NS_SM = "urn:xmpp:sm:3"


def cut(raw) -> None:
    """Drops the TCP connection with a reset, as a phone losing its network looks to a server."""
    raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    raw.sock.close()
    raw.closed = True


def bodies(elements) -> list[str]:
    return [e.findtext(q(NS_CLIENT, "body")) for e in elements
            if e.tag == q(NS_CLIENT, "message")]


class StreamManagement(PerTestServerCase):
    async def start(self, resume_timeout: int = 30, **sm_options) -> None:
        self.start_server(keyfed_config={"stream_management": {
            "resume_timeout": resume_timeout, **sm_options}})
        self.juliet, self.password = self.user("juliet")
        romeo, romeo_pw = self.user("romeo")
        self.romeo = await self.login(f"{romeo}/balcony", romeo_pw)

    def connect_juliet(self):
        raw = self.raw()
        self.full = raw.login(self.juliet.split("@")[0], self.password, "phone")
        self.assertIsNotNone(raw.features.find(q(NS_SM, "sm")), "no <sm/> stream feature")
        raw.send(f"<enable xmlns='{NS_SM}' resume='true'/>")
        enabled = raw.expect(q(NS_SM, "enabled"))
        self.assertEqual(enabled.get("resume"), "true")
        return raw, enabled.get("id")

    async def romeo_says(self, *texts: str) -> None:
        for text in texts:
            self.romeo.send_message(mto=self.full, mbody=text, mtype="chat")
        await self.romeo.sync()

    def wait_bodies(self, raw, count: int) -> list[str]:
        got = []
        while len(got) < count:
            got += bodies([raw.wait_for(lambda e: e.tag == q(NS_CLIENT, "message"))])
        return got

    async def test_resume_after_a_cut_connection_loses_nothing(self):
        await self.start()
        raw, sm_id = self.connect_juliet()
        await self.romeo_says("one", "two")
        self.assertEqual(self.wait_bodies(raw, 2), ["one", "two"])
        raw.send(f"<a xmlns='{NS_SM}' h='1'/>")  # "two" arrived but was never acknowledged
        raw.send(f"<r xmlns='{NS_SM}'/>")  # its answer shows the server has read the <a/>
        self.assertEqual(raw.wait_for(lambda e: e.tag == q(NS_SM, "a")).get("h"), "0")
        cut(raw)
        await self.romeo_says("three", "four")  # while juliet has no connection

        fresh = self.raw()
        fresh.authenticate(self.juliet.split("@")[0], self.password)
        fresh.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='1'/>")
        resumed = fresh.expect(q(NS_SM, "resumed"))
        self.assertEqual(resumed.get("previd"), sm_id)
        self.assertEqual(resumed.get("h"), "0")  # juliet sent no stanza
        self.assertEqual(self.wait_bodies(fresh, 3), ["two", "three", "four"])

        # The resumed session is the old one: same full JID, still reachable, still counting.
        await self.romeo_says("five")
        self.assertEqual(self.wait_bodies(fresh, 1), ["five"])
        fresh.send(f"<message to='{self.romeo.boundjid}' type='chat'><body>back</body></message>")
        await self.romeo.expect_message(sender=self.full, body="back")
        fresh.send(f"<r xmlns='{NS_SM}'/>")
        ack = fresh.wait_for(lambda e: e.tag == q(NS_SM, "a"))
        self.assertEqual(ack.get("h"), "1")

    async def test_without_resumption_unacked_messages_go_to_offline_storage(self):
        await self.start(resume_timeout=1)
        raw, _ = self.connect_juliet()
        await self.romeo_says("received, never acked")
        self.assertEqual(self.wait_bodies(raw, 1), ["received, never acked"])
        cut(raw)
        await self.romeo_says("sent into the void")
        await asyncio.sleep(3)  # the resumption window passes
        juliet = await self.login(f"{self.juliet}/laptop", self.password)
        await juliet.expect_message(body="received, never acked")
        await juliet.expect_message(body="sent into the void")
        self.assertIn("stored offline", self.server.log_text())

    async def test_resume_fails_after_a_clean_close_and_for_another_account(self):
        await self.start()
        raw, sm_id = self.connect_juliet()
        raw.send("</stream:stream>")
        raw.wait_end()
        fresh = self.raw()
        fresh.authenticate(self.juliet.split("@")[0], self.password)
        fresh.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='0'/>")
        failed = fresh.expect(q(NS_SM, "failed"))
        self.assertIsNotNone(failed.find(q(NS_STANZAS_ERR, "item-not-found")))
        # The stream goes on: the client binds a new session instead.
        self.assertTrue(fresh.bind("again").endswith("/again"))

    async def test_another_account_cannot_resume_a_session(self):
        await self.start()
        raw, sm_id = self.connect_juliet()
        thief, thief_pw = self.user("thief")
        other = self.raw()
        other.authenticate(thief.split("@")[0], thief_pw)
        other.send(f"<resume xmlns='{NS_SM}' previd='{sm_id}' h='0'/>")
        failed = other.expect(q(NS_SM, "failed"))
        self.assertIsNotNone(failed.find(q(NS_STANZAS_ERR, "item-not-found")))
        await self.romeo_says("still mine")
        self.assertEqual(self.wait_bodies(raw, 1), ["still mine"])

    async def test_acknowledging_more_than_was_sent_ends_the_stream(self):
        await self.start()
        raw, _ = self.connect_juliet()
        raw.send(f"<a xmlns='{NS_SM}' h='7'/>")
        end = raw.wait_end()
        self.assertEqual(end.condition, "undefined-condition")

    async def test_slixmpp_enables_and_acks(self):
        await self.start()
        plugins = DEFAULT_PLUGINS + ("xep_0198",)
        client = self.client(f"{self.juliet}/slix", self.password, plugins=plugins)
        enabled = asyncio.Event()
        acked: list = []
        client.add_event_handler("sm_enabled", lambda _: enabled.set())
        client.add_event_handler("stanza_acked", acked.append)
        await client.login()
        await asyncio.wait_for(enabled.wait(), TIMEOUT)
        client.send_message(mto=str(self.romeo.boundjid), mbody="counted", mtype="chat")
        await self.romeo.expect_message(body="counted")
        client.plugin["xep_0198"].request_ack()  # sent raw: only after the message went out
        deadline = time.monotonic() + TIMEOUT
        while not any(getattr(s, "name", "") == "message" for s in acked):
            self.assertLess(time.monotonic(), deadline, f"never acked: {acked}")
            await asyncio.sleep(0.1)
        self.romeo.send_message(mto=str(client.boundjid), mbody="to slixmpp", mtype="chat")
        await client.expect_message(body="to slixmpp")
        self.assertGreaterEqual(client.plugin["xep_0198"].handled, 1)


if __name__ == "__main__":
    unittest.main()
