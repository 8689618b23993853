"""XEP-0114 external components (docs/components.md): slixmpp's ComponentXMPP connects to
keyfed's component listener with the shared secret and serves gw.keyfed.test; slixmpp
clients talk to it through keyfed."""

from __future__ import annotations

import unittest

from slixmpp.exceptions import IqError

from harness.clients import LoginError
from harness.component import Component
from harness.target import target_kind
from harness.testcase import ServerTestCase

GATEWAY = "gw.keyfed.test"
SECRET = "e2e-component-secret-of-enough-bytes"
DISCO_INFO = "http://jabber.org/protocol/disco#info"
DISCO_ITEMS = "http://jabber.org/protocol/disco#items"


@unittest.skipIf(target_kind() == "prosody", "keyfed's [[component]] and component listener")
class ExternalComponent(ServerTestCase):
    server_options = {
        "listeners": ("c2s", "c2s_direct_tls", "component"),
        "keyfed_config": {"component": [{"domain": GATEWAY, "secret": SECRET, "name": "Echo gateway"}]},
    }

    def component(self, secret: str = SECRET) -> Component:
        gw = Component(GATEWAY, secret,
                       address=(self.server.host, self.server.listeners["component"]))
        self.addAsyncCleanup(gw.close)
        return gw

    async def echo_gateway(self) -> Component:
        """A component that answers every chat message with "echo: <body>" from the JID the
        message was addressed to."""
        gw = self.component()
        gw.plugin["xep_0030"].add_identity(category="gateway", itype="irc", name="Echo")

        def echo(msg) -> None:
            if msg["type"] in ("chat", "normal") and msg["body"]:
                gw.send_message(mto=msg["from"], mfrom=msg["to"], mbody=f"echo: {msg['body']}",
                                mtype="chat")
        gw.add_event_handler("message", echo)
        return await gw.start()

    async def test_a_user_talks_to_a_bot_at_the_connected_component(self):
        await self.echo_gateway()
        alice = await self.login(*self.user("alice"))
        alice.send_message(mto=f"bot@{GATEWAY}", mbody="hello bot", mtype="chat")
        reply = await alice.expect_message(sender=f"bot@{GATEWAY}")
        self.assertEqual(reply["body"], "echo: hello bot")
        self.assertEqual(str(reply["to"]), str(alice.boundjid))

    async def test_disco_lists_the_component_and_the_component_answers_its_info(self):
        await self.echo_gateway()
        alice = await self.login(*self.user("alice"))
        items = await alice.iq("get", f"<query xmlns='{DISCO_ITEMS}'/>", to=self.domain)
        listed = {i.get("jid"): i.get("name")
                  for i in items.xml.iter(f"{{{DISCO_ITEMS}}}item")}
        self.assertEqual(listed.get(GATEWAY), "Echo gateway")
        info = await alice.iq("get", f"<query xmlns='{DISCO_INFO}'/>", to=GATEWAY)
        identities = [(i.get("category"), i.get("type"))
                      for i in info.xml.iter(f"{{{DISCO_INFO}}}identity")]
        self.assertIn(("gateway", "irc"), identities, "answered by the component itself")

    async def test_a_wrong_secret_is_refused_with_not_authorized(self):
        gw = self.component(secret="not-the-secret-but-long-enough")
        with self.assertRaises(LoginError) as refused:
            await gw.start()
        self.assertEqual(refused.exception.event, "stream_error")
        self.assertEqual(refused.exception.detail["condition"], "not-authorized")
        self.assertIn("component handshake failed for gw.keyfed.test", self.server.log_text())
        # The right secret still gets in (one failure is far from the throttle).
        await self.echo_gateway()

    async def test_an_iq_to_the_disconnected_component_gets_service_unavailable(self):
        alice = await self.login(*self.user("alice"))
        with self.assertRaises(IqError) as bounced:
            await alice.iq("get", f"<query xmlns='{DISCO_INFO}'/>", to=GATEWAY)
        self.assertEqual(bounced.exception.iq["error"]["condition"], "service-unavailable")

    async def test_a_component_forging_from_is_disconnected_with_invalid_from(self):
        gw = await self.echo_gateway()
        jid, password = self.user("alice")
        alice = await self.login(jid, password)
        gw.send_message(mto=str(alice.boundjid), mfrom=f"admin@{self.domain}", mbody="forged")
        error = await gw.wait_event("stream_error")
        self.assertEqual(error["condition"], "invalid-from")
        await gw.wait_event("disconnected")
        await alice.expect_no_event("message", within=1.0)
        # The domain is free again: a new connection with the secret gets it.
        await self.echo_gateway()

    async def test_a_second_connection_for_the_domain_is_refused_with_conflict(self):
        await self.echo_gateway()
        second = self.component()
        with self.assertRaises(LoginError) as refused:
            await second.start()
        self.assertEqual(refused.exception.detail["condition"], "conflict")
        alice = await self.login(*self.user("alice"))
        alice.send_message(mto=f"bot@{GATEWAY}", mbody="still there?", mtype="chat")
        reply = await alice.expect_message(sender=f"bot@{GATEWAY}")
        self.assertEqual(reply["body"], "echo: still there?", "the first connection kept it")


if __name__ == "__main__":
    unittest.main()
