"""XEP-0357 push notifications (issue 8, docs/push.md).

The app server is a real XMPP entity: a slixmpp client logged in as pushapp@<domain>, whose
full JID the phone registers as its push service. It answers the server's pubsub publishes as
an app server would (a result, or an error to say the device is gone). Slixmpp 1.8 has no
xep_0357 plugin, so <enable/> and <disable/> are sent by hand."""

from __future__ import annotations

import asyncio
import copy
import unittest
import xml.etree.ElementTree as ET

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from harness.clients import DEFAULT_PLUGINS, TIMEOUT
from harness.target import target_kind
from harness.testcase import ServerTestCase

PUSH = "urn:xmpp:push:0"
PUBSUB = "http://jabber.org/protocol/pubsub"
DATA = "jabber:x:data"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
INTERVAL = 2  # [push] min_interval of the test server, seconds
OPTIONS = (f"<x xmlns='{DATA}' type='submit'>"
           f"<field var='FORM_TYPE'><value>{PUBSUB}#publish-options</value></field>"
           "<field var='secret'><value>eruio234vzxc2kla-91</value></field></x>")


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


class AppServer:
    """Records the publishes it receives and answers them (an error when ``error`` is set)."""

    def __init__(self, client) -> None:
        self.client = client
        self.error: str | None = None
        self.publishes: asyncio.Queue[ET.Element] = asyncio.Queue()
        client.register_handler(Callback(
            "push publish", MatchXPath(f"{{jabber:client}}iq/{{{PUBSUB}}}pubsub"), self._on_iq))

    @property
    def jid(self) -> str:
        return str(self.client.boundjid)

    def _on_iq(self, iq) -> None:
        if iq["type"] != "set":
            return
        self.publishes.put_nowait(copy.deepcopy(iq.xml))
        reply = iq.reply(clear=True)
        if self.error:
            reply["type"] = "error"
            reply["error"]["type"] = "cancel"
            reply["error"]["condition"] = self.error
        reply.send()

    async def next(self, timeout: float = TIMEOUT) -> ET.Element:
        return await asyncio.wait_for(self.publishes.get(), timeout)

    async def expect_none(self, within: float) -> None:
        try:
            got = await asyncio.wait_for(self.publishes.get(), within)
        except asyncio.TimeoutError:
            return
        raise AssertionError(f"unexpected notification: {ET.tostring(got).decode()}")


def publish_of(iq: ET.Element) -> ET.Element:
    publish = iq.find(f"{q(PUBSUB, 'pubsub')}/{q(PUBSUB, 'publish')}")
    assert publish is not None, ET.tostring(iq).decode()
    return publish


def summary(iq: ET.Element) -> dict[str, str]:
    form = publish_of(iq).find(f"{q(PUBSUB, 'item')}/{q(PUSH, 'notification')}/{q(DATA, 'x')}")
    assert form is not None and form.get("type") == "submit", ET.tostring(iq).decode()
    return {f.get("var"): f.findtext(q(DATA, "value")) for f in form.iter(q(DATA, "field"))}


@unittest.skipIf(target_kind() == "prosody", "keyfed's [push]")
class Push(ServerTestCase):
    server_options = {"keyfed_config": {"push": {"min_interval": INTERVAL}}}

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        app_jid, app_password = self.user("pushapp")
        self.app_account = (f"{app_jid}/app", app_password)
        self.app = AppServer(await self.login(*self.app_account))
        self.bob, self.bob_password = self.user("bob")
        self.alice_account = self.user("alice")
        self.alice = await self.login(*self.alice_account)

    async def bob_enables(self, node: str = "phone-1", options: str = OPTIONS) -> None:
        bob = await self.login(self.bob, self.bob_password)
        await bob.iq("set", f"<enable xmlns='{PUSH}' jid='{self.app.jid}' node='{node}'>"
                            f"{options}</enable>")
        await bob.close()

    async def alice_writes(self, *bodies: str) -> None:
        for body in bodies:
            self.alice.send_message(mto=self.bob, mbody=body, mtype="chat")
        await self.alice.sync()

    async def test_an_offline_message_wakes_the_app_server_and_a_live_one_does_not(self):
        bob = await self.login(self.bob, self.bob_password)
        info = await bob.iq("get", f"<query xmlns='{DISCO_INFO}'/>", to=self.bob)
        self.assertIn(PUSH, {f.get("var") for f in info.xml.iter(q(DISCO_INFO, "feature"))})
        await bob.iq("set", f"<enable xmlns='{PUSH}' jid='{self.app.jid}' node='phone-1'>"
                            f"{OPTIONS}</enable>")
        # Online: the message is delivered, nobody is woken.
        await self.alice_writes("you are here")
        await bob.expect_message(body="you are here")
        await self.app.expect_none(1.5)
        await bob.close()

        await self.alice_writes("are you there?")
        iq = await self.app.next()
        self.assertEqual(iq.get("from"), self.bob)
        self.assertEqual(publish_of(iq).get("node"), "phone-1")
        # Private by default: a count, not who wrote nor what.
        self.assertEqual(summary(iq), {"FORM_TYPE": "urn:xmpp:push:summary", "message-count": "1"})
        secret = iq.find(f".//{q(PUBSUB, 'publish-options')}/{q(DATA, 'x')}/{q(DATA, 'field')}"
                         "[@var='secret']")
        self.assertIsNotNone(secret, ET.tostring(iq).decode())
        self.assertEqual(secret.findtext(q(DATA, "value")), "eruio234vzxc2kla-91")
        # The message itself waited in offline storage.
        bob = await self.login(self.bob, self.bob_password)
        await bob.expect_message(body="are you there?")

    async def test_a_burst_becomes_one_notification_and_one_counting_the_rest(self):
        await self.bob_enables()
        await self.alice_writes(*(f"message {i}" for i in range(30)))
        first = await self.app.next()
        self.assertEqual(summary(first)["message-count"], "1")
        rest = await self.app.next(timeout=INTERVAL + TIMEOUT)
        self.assertEqual(summary(rest)["message-count"], "29")
        await self.app.expect_none(INTERVAL + 1.0)

    async def test_disable_by_node_and_by_service(self):
        await self.bob_enables("phone-1")
        await self.bob_enables("tablet-1")
        bob = await self.login(self.bob, self.bob_password)
        await bob.iq("set", f"<disable xmlns='{PUSH}' jid='{self.app.jid}' node='tablet-1'/>")
        await bob.close()
        await self.alice_writes("one")
        iq = await self.app.next()
        self.assertEqual(publish_of(iq).get("node"), "phone-1")
        await self.app.expect_none(1.0)

        bob = await self.login(self.bob, self.bob_password)
        await bob.iq("set", f"<disable xmlns='{PUSH}' jid='{self.app.jid}'/>")
        await bob.close()
        await asyncio.sleep(INTERVAL)
        await self.alice_writes("two")
        await self.app.expect_none(INTERVAL + 1.0)

    async def test_an_error_from_the_app_server_disables_the_registration(self):
        await self.bob_enables()
        self.app.error = "item-not-found"  # the app uninstalled: the app server forgot the node
        await self.alice_writes("first")
        await self.app.next()
        await asyncio.sleep(INTERVAL + 0.5)
        await self.alice_writes("second")
        await self.app.expect_none(INTERVAL + 1.0)
        self.assertIn("registration (node phone-1) disabled", self.server.log_text())

    async def test_a_session_awaiting_resumption_is_woken(self):
        await self.bob_enables()
        bob = self.client(f"{self.bob}/phone", self.bob_password,
                          plugins=DEFAULT_PLUGINS + ("xep_0198",))
        enabled = asyncio.Event()
        bob.add_event_handler("sm_enabled", lambda _: enabled.set())
        await bob.login()
        await asyncio.wait_for(enabled.wait(), TIMEOUT)
        await self.alice_writes("while connected")
        await bob.expect_message(body="while connected")
        await self.app.expect_none(1.0)
        bob.drop()  # the phone's network went away: the session waits to be resumed
        await asyncio.sleep(0.5)
        await self.alice_writes("while the connection is lost")
        iq = await self.app.next()
        self.assertEqual(summary(iq)["message-count"], "1")

    async def test_the_summary_carries_what_the_config_says(self):
        self.server.reconfigure({"push": {"include_body": True, "include_sender": True}})
        try:
            await self.bob_enables(options="")
            await self.alice_writes("Wherefore art thou?")
            fields = summary(await self.app.next())
            self.assertEqual(fields["last-message-body"], "Wherefore art thou?")
            self.assertEqual(fields["last-message-sender"], str(self.alice.boundjid))
        finally:
            self.server.reconfigure({"push": {"include_body": False, "include_sender": False}})

    async def test_registrations_survive_a_restart(self):
        await self.bob_enables()
        await self.close_connections()
        self.server.restart()
        self.app = AppServer(await self.login(*self.app_account))
        self.alice = await self.login(*self.alice_account)
        await self.alice_writes("after the restart")
        iq = await self.app.next()
        self.assertEqual(publish_of(iq).get("node"), "phone-1")


if __name__ == "__main__":
    unittest.main()
