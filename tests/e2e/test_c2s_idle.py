"""Quiet connections: after a second without input keyfed drops a stream's XML parser to save
memory (docs/performance.md, "Memory") and builds a fresh one when the client speaks again.
Nothing of this may be visible to clients: slixmpp clients that pause between stanzas keep
chatting, and a raw client whose stream header uses its own root prefix and declares a prefix
for its payloads can still use both after each pause."""

import asyncio
import time
import unittest

from harness.raw import NS_BIND, NS_CLIENT, NS_SASL, NS_STREAM, q
from harness.testcase import ServerTestCase

QUIET = 1.6  # seconds: more than the server's 1 s before it hibernates a parser
NS_PING = "urn:xmpp:ping"


class IdleConnections(ServerTestCase):
    async def test_clients_that_pause_keep_chatting(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(f"{alice_jid}/desk", alice_pw)
        bob = await self.login(f"{bob_jid}/phone", bob_pw)
        for round_ in range(2):
            await asyncio.sleep(QUIET)
            alice.send_message(mto=str(bob.boundjid), mbody=f"hello {round_}", mtype="chat")
            await bob.expect_message(body=f"hello {round_}")
            await asyncio.sleep(QUIET)
            bob.send_message(mto=str(alice.boundjid), mbody=f"back {round_}", mtype="chat")
            await alice.expect_message(body=f"back {round_}")
        await asyncio.sleep(QUIET)
        result = await alice.iq("get", f"<ping xmlns='{NS_PING}'/>", to=self.domain)
        self.assertEqual(result["type"], "result")
        await asyncio.sleep(QUIET)
        # Not only after the first pause: alice's parser slept again after each time her
        # stanzas woke it (after login, both messages and the ping).
        naps = self.server.log_text().count(f"c2s {alice.boundjid} (")
        self.assertGreaterEqual(naps, 4, f"alice's parser slept {naps} times")

    def test_own_root_prefix_and_declared_prefixes_survive_pauses(self):
        user, password = self.user("raw")
        raw = self.raw()
        raw.open()
        raw.starttls()
        raw.open()
        self.assertEqual(raw.auth_plain(user.split("@")[0], password).tag, q(NS_SASL, "success"))
        # The restarted stream: root prefix "s" instead of "stream", and a prefix for pings.
        raw._new_parser()
        raw.header = None
        raw.send(f"<s:stream xmlns:s='{NS_STREAM}' xmlns='{NS_CLIENT}' xmlns:p='{NS_PING}' "
                 f"to='{self.domain}' version='1.0'>")
        raw.wait_header()
        raw.expect(q(NS_STREAM, "features"))
        self.assertTrue(raw.bind("raw"))
        time.sleep(QUIET)
        reply = raw.iq("get", "<p:ping/>", to=self.domain)
        self.assertEqual(reply.get("type"), "result")
        # A stanza split by a pause is completed, not lost or refused.
        raw.send("<iq type='get' id='split' to='" + self.domain + "'><p:pi")
        time.sleep(QUIET)
        raw.send("ng/></iq>")
        reply = raw.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq") and e.get("id") == "split")
        self.assertEqual(reply.get("type"), "result")
        # An undeclared prefix is still refused after a pause.
        time.sleep(QUIET)
        raw.send("<x:ping/>")
        self.assertStreamError(raw.wait_end(), "bad-namespace-prefix")

    def test_stream_closes_cleanly_after_a_pause(self):
        user, password = self.user("closer")
        raw = self.raw()
        raw.authenticate(user.split("@")[0], password)
        raw.bind("closer")
        time.sleep(QUIET)
        raw.send("</stream:stream>")
        end = raw.wait_end()
        self.assertIsNone(end.condition)


if __name__ == "__main__":
    unittest.main()
