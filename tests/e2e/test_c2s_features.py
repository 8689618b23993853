"""c2s suite, part 3: server features: service discovery (XEP-0030), ping (XEP-0199), software
version (XEP-0092), entity time (XEP-0202), vcard-temp (XEP-0054), blocking (XEP-0191) and
in-band registration (XEP-0077). Runs against keyfed by default; E2E_TARGET=prosody validates."""

import datetime
import re
import secrets
import unittest
import xml.etree.ElementTree as ET

from harness.clients import IqError, LoginError
from harness.raw import NS_CLIENT, q, stanza_error_condition
from harness.testcase import ServerTestCase

NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_PING = "urn:xmpp:ping"
NS_VERSION = "jabber:iq:version"
NS_TIME = "urn:xmpp:time"
NS_VCARD = "vcard-temp"
NS_BLOCKING = "urn:xmpp:blocking"
NS_BLOCKING_ERRORS = "urn:xmpp:blocking:errors"
NS_REGISTER = "jabber:iq:register"
NS_REGISTER_FEATURE = "http://jabber.org/features/iq-register"


def child(element: ET.Element, ns: str, name: str) -> ET.Element | None:
    return element.find(f"{{{ns}}}{name}")


class DiscoveryAndInfo(ServerTestCase):
    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        jid, password = self.user("disco")
        self.alice = await self.login(jid, password)

    async def test_disco_info_of_the_server(self):
        result = await self.alice.iq("get", f"<query xmlns='{NS_DISCO_INFO}'/>", to=self.domain)
        query = child(result.xml, NS_DISCO_INFO, "query")
        identities = {(i.get("category"), i.get("type"))
                      for i in query.findall(f"{{{NS_DISCO_INFO}}}identity")}
        self.assertIn(("server", "im"), identities)
        features = {f.get("var") for f in query.findall(f"{{{NS_DISCO_INFO}}}feature")}
        for feature in (NS_DISCO_INFO, NS_DISCO_ITEMS, NS_PING, NS_VERSION, NS_TIME, NS_VCARD,
                        NS_BLOCKING):
            self.assertIn(feature, features)

    async def test_disco_items_of_the_server(self):
        result = await self.alice.iq("get", f"<query xmlns='{NS_DISCO_ITEMS}'/>", to=self.domain)
        query = child(result.xml, NS_DISCO_ITEMS, "query")
        self.assertIsNotNone(query)
        for item in query.findall(f"{{{NS_DISCO_ITEMS}}}item"):
            self.assertTrue(item.get("jid"))

    async def test_ping_the_server_and_another_client(self):
        result = await self.alice.iq("get", f"<ping xmlns='{NS_PING}'/>", to=self.domain)
        self.assertEqual(result["type"], "result")
        jid, password = self.user("pong")
        bob = await self.login(jid, password)
        # An IQ to a full JID is routed to that session, and its answer routed back.
        result = await self.alice.iq("get", f"<ping xmlns='{NS_PING}'/>", to=str(bob.boundjid))
        self.assertEqual(result["from"], bob.boundjid)

    async def test_software_version(self):
        result = await self.alice.iq("get", f"<query xmlns='{NS_VERSION}'/>", to=self.domain)
        query = child(result.xml, NS_VERSION, "query")
        self.assertTrue((child(query, NS_VERSION, "name").text or "").strip())
        self.assertTrue((child(query, NS_VERSION, "version").text or "").strip())

    async def test_entity_time(self):
        result = await self.alice.iq("get", f"<time xmlns='{NS_TIME}'/>", to=self.domain)
        element = child(result.xml, NS_TIME, "time")
        tzo = child(element, NS_TIME, "tzo").text
        utc = child(element, NS_TIME, "utc").text
        self.assertRegex(tzo, r"^(Z|[+-]\d{2}:\d{2})$")
        self.assertRegex(utc, r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
        stamp = datetime.datetime.fromisoformat(re.sub(r"(\.\d+)?Z$", "+00:00", utc))
        skew = abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds())
        self.assertLess(skew, 300)

    async def test_unknown_iq_to_the_server_is_service_unavailable(self):
        with self.assertRaises(IqError) as failure:
            await self.alice.iq("get", "<query xmlns='urn:example:no-such-thing'/>",
                                to=self.domain)
        self.assertEqual(failure.exception.iq["error"]["condition"], "service-unavailable")


class VCard(ServerTestCase):
    async def test_set_own_vcard_and_others_read_it(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        await alice.iq("set", f"<vCard xmlns='{NS_VCARD}'><FN>Alice Example</FN>"
                              f"<NICKNAME>al</NICKNAME></vCard>")
        own = await alice.iq("get", f"<vCard xmlns='{NS_VCARD}'/>")
        self.assertEqual(own.xml.find(f"{{{NS_VCARD}}}vCard/{{{NS_VCARD}}}FN").text,
                         "Alice Example")
        theirs = await bob.iq("get", f"<vCard xmlns='{NS_VCARD}'/>", to=alice_jid)
        self.assertEqual(theirs.xml.find(f"{{{NS_VCARD}}}vCard/{{{NS_VCARD}}}NICKNAME").text,
                         "al")
        # Nobody writes someone else's vCard.
        with self.assertRaises(IqError):
            await bob.iq("set", f"<vCard xmlns='{NS_VCARD}'><FN>Mallory</FN></vCard>",
                         to=alice_jid)
        again = await bob.iq("get", f"<vCard xmlns='{NS_VCARD}'/>", to=alice_jid)
        self.assertEqual(again.xml.find(f"{{{NS_VCARD}}}vCard/{{{NS_VCARD}}}FN").text,
                         "Alice Example")

    async def test_vcard_of_a_user_without_one(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, _ = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        try:
            result = await alice.iq("get", f"<vCard xmlns='{NS_VCARD}'/>", to=bob_jid)
        except IqError as error:
            # XEP-0054 allows either an empty vCard or <item-not-found/>.
            self.assertEqual(error.iq["error"]["condition"], "item-not-found")
            return
        card = result.xml.find(f"{{{NS_VCARD}}}vCard")
        self.assertTrue(card is None or len(card) == 0)


class Blocking(ServerTestCase):
    async def test_block_and_unblock(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(f"{alice_jid}/one", alice_pw)
        alice_two = await self.login(f"{alice_jid}/two", alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        # Pushes go to the resources that asked for the blocklist (XEP-0191 3.3).
        empty = await alice_two.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>")
        self.assertEqual(empty.xml.findall(f"{{{NS_BLOCKING}}}blocklist/{{{NS_BLOCKING}}}item"),
                         [])

        await alice.iq("set", f"<block xmlns='{NS_BLOCKING}'><item jid='{bob_jid}'/></block>")
        push = await alice_two.wait_event("blocked")
        self.assertIn(bob_jid, {str(j) for j in push["block"]["items"]})
        listed = await alice.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>")
        items = listed.xml.findall(f"{{{NS_BLOCKING}}}blocklist/{{{NS_BLOCKING}}}item")
        self.assertEqual([i.get("jid") for i in items], [bob_jid])

        # Blocked inbound: not delivered; an error, if any, is <service-unavailable/> (3.4),
        # which tells the blocked sender nothing more than an absent user would.
        bob.send_message(mto=alice_jid, mbody="can you hear me?", mtype="chat")
        await bob.sync()
        await alice.expect_no_event("message", within=1.0)
        for error in bob.events("message_error"):
            self.assertEqual(error["error"]["condition"], "service-unavailable")
        await alice_two.expect_no_event("message", within=0.1)
        # Blocked outbound: refused with <not-acceptable/> and <blocked/> (3.5).
        alice.send_message(mto=bob_jid, mbody="and you?", mtype="chat")
        error = await alice.wait_event("message_error")
        self.assertEqual(error["error"]["condition"], "not-acceptable")
        self.assertIsNotNone(error.xml.find(f"{{{NS_CLIENT}}}error/"
                                            f"{{{NS_BLOCKING_ERRORS}}}blocked"))
        # (slixmpp also records error bounces as "message": only a real delivery counts.)
        await bob.expect_no_event("message", within=0.5,
                                  predicate=lambda m: m["type"] != "error")

        await alice.iq("set", f"<unblock xmlns='{NS_BLOCKING}'><item jid='{bob_jid}'/></unblock>")
        await alice_two.wait_event("unblocked")
        bob.send_message(mto=alice_jid, mbody="better now?", mtype="chat")
        await alice.expect_message(body="better now?")
        listed = await alice.iq("get", f"<blocklist xmlns='{NS_BLOCKING}'/>")
        self.assertEqual(listed.xml.findall(f"{{{NS_BLOCKING}}}blocklist/{{{NS_BLOCKING}}}item"),
                         [])

    async def test_blocked_contact_does_not_see_presence(self):
        alice_jid, alice_pw = self.user("alice")
        bob_jid, bob_pw = self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        await alice.iq("set", f"<block xmlns='{NS_BLOCKING}'><item jid='{bob_jid}'/></block>")
        bob.send_presence(pto=alice_jid, ptype="subscribe")
        await alice.expect_no_event("presence", within=1.0,
                                    predicate=lambda p: p["type"] == "subscribe")


class Registration(ServerTestCase):
    def tls_stream(self):
        raw = self.raw()
        raw.open()
        raw.starttls()
        raw.open()
        return raw

    def register(self, raw, username: str, password: str) -> ET.Element:
        return raw.iq("set", f"<query xmlns='{NS_REGISTER}'><username>{username}</username>"
                             f"<password>{password}</password></query>")

    async def test_register_then_log_in(self):
        raw = self.tls_stream()
        self.assertIsNotNone(raw.features.find(f"{{{NS_REGISTER_FEATURE}}}register"),
                             "in-band registration is not advertised")
        form = raw.iq("get", f"<query xmlns='{NS_REGISTER}'/>")
        query = form.find(q(NS_REGISTER, "query"))
        self.assertIsNotNone(query.find(q(NS_REGISTER, "username")))
        self.assertIsNotNone(query.find(q(NS_REGISTER, "password")))

        username = f"newbie{secrets.token_hex(4)}"
        reply = self.register(raw, username, "fresh-password")
        self.assertEqual(reply.get("type"), "result", ET.tostring(reply))
        client = await self.login(f"{username}@{self.domain}", "fresh-password")
        client.send_message(mto=str(client.boundjid), mbody="I exist")
        await client.expect_message(body="I exist")

        # The same name again: <conflict/>.
        again = self.register(self.tls_stream(), username, "another-password")
        self.assertEqual(again.get("type"), "error")
        self.assertEqual(stanza_error_condition(again), "conflict")

    def test_invalid_username_is_refused(self):
        raw = self.tls_stream()
        for bad in ("two words", "at@sign", ""):
            reply = self.register(raw, bad, "password")
            self.assertEqual(reply.get("type"), "error", f"registered {bad!r}")
            self.assertIn(stanza_error_condition(reply), ("not-acceptable", "bad-request",
                                                          "jid-malformed"))

    def test_no_registration_before_tls(self):
        raw = self.raw()
        features = raw.open()
        self.assertIsNone(features.find(f"{{{NS_REGISTER_FEATURE}}}register"))
        username = f"plaintext{secrets.token_hex(4)}"
        raw.send(f"<iq type='set' id='r1'><query xmlns='{NS_REGISTER}'><username>{username}"
                 f"</username><password>sniffed</password></query></iq>")
        raw.wait_end(timeout=2)
        self.assertFalse([e for e in raw.elements if e.get("type") == "result"])
        probe = self.tls_stream()
        self.assertNotEqual(probe.auth_plain(username, "sniffed").tag,
                            q("urn:ietf:params:xml:ns:xmpp-sasl", "success"))

    async def test_change_password_and_cancel_account(self):
        jid, password = self.user("changer")
        client = await self.login(jid, password)
        username = jid.split("@")[0]
        await client.iq("set", f"<query xmlns='{NS_REGISTER}'><username>{username}</username>"
                               f"<password>new-password</password></query>", to=self.domain)
        await client.close()
        with self.assertRaises(LoginError):
            await self.client(jid, password, mechanism="PLAIN").login()
        client = await self.login(jid, "new-password")

        await client.iq("set", f"<query xmlns='{NS_REGISTER}'><remove/></query>", to=self.domain)
        await client.close()
        with self.assertRaises(LoginError):
            await self.client(jid, "new-password", mechanism="PLAIN").login()


if __name__ == "__main__":
    unittest.main(verbosity=2)
