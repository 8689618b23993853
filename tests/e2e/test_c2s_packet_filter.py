"""Packet filters on c2s (issue 6, docs/policy.md "Packet filters on c2s"): live packet-filter
rules that name a local user or group, added by the administrator with `keyfedctl policy add`,
also judge stanzas between two local users (slixmpp clients on one keyfed). Rules naming no
user or group stay s2s-only; a user's traffic with its own account and the server is never
filtered; revoking or expiring a rule lifts it at once."""

from __future__ import annotations

import asyncio
import json
import tempfile
import unittest
from pathlib import Path

from slixmpp.exceptions import IqError

from harness.federation import stanza_error
from harness.keyfed_server import keyfed_available, keyfedctl_available
from harness.target import DEFAULT_DOMAIN, target_kind
from harness.testcase import ServerTestCase

POLICY_DIR = tempfile.TemporaryDirectory(prefix="keyfed-c2s-filter-")
POLICY = Path(POLICY_DIR.name) / "nobody.policy"
# The agent needs a KeyNote POLICY; this one authorises nobody (rules come from the admin).
POLICY.write_text('KeyNote-Version: 2\nAuthorizer: "POLICY"\nLicensees: "nobody"\n'
                  'Conditions: App_domain == "none";\n')
CAROL = f"carol@{DEFAULT_DOMAIN}"


def party(kind: str, value: str | None = None) -> dict:
    return {"type": kind, "value": value} if value is not None else {"type": kind}


@unittest.skipUnless(keyfed_available() and keyfedctl_available() and target_kind() == "keyfed",
                     "KEYFED_BIN/KEYFED_CTL not set (ctest sets them); keyfed only")
class C2sPacketFilter(ServerTestCase):
    server_options = {
        "users": {CAROL: "pw-carol"},
        "keyfed_config": {"agent": {"enabled": True, "policy_files": [str(POLICY)],
                                    "group": [{"name": "staff", "members": [CAROL]}]}},
    }

    def add_rule(self, spec: dict, validity: int | None = None) -> int:
        args = ["policy", "add", "packet_filter", json.dumps(spec)]
        if validity is not None:
            args += ["--validity", str(validity)]
        proc = self.server.ctl_run(*args)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        entry = int(proc.stdout.split()[1].rstrip(":"))  # "added 12: packet_filter ..."
        self.addCleanup(self.server.ctl_run, "policy", "revoke", str(entry))
        return entry

    async def assertBounced(self, sender, to: str, body: str) -> None:
        sender.send_message(mto=to, mbody=body, mtype="chat")
        bounce = await sender.wait_event(
            "message_error", predicate=lambda m: m["from"].bare == to.split("/")[0])
        self.assertEqual(stanza_error(bounce)[0], "policy-violation")

    async def test_a_rule_naming_a_user_rejects_messages_between_local_users(self):
        (alice_jid, alice_pw), (bob_jid, bob_pw) = self.user("alice"), self.user("bob")
        alice, bob = await self.login(alice_jid, alice_pw), await self.login(bob_jid, bob_pw)
        alice.send_message(mto=bob_jid, mbody="before", mtype="chat")
        await bob.expect_message(body="before")

        self.add_rule({"action": "reject", "stanza": "message",
                       "source": party("user", alice_jid), "destination": party("user", bob_jid)})
        await self.assertBounced(alice, bob_jid, "during")
        await bob.expect_no_event("message", within=1.0)
        # The other direction and other users are untouched.
        bob.send_message(mto=alice_jid, mbody="reply", mtype="chat")
        await alice.expect_message(body="reply")

    async def test_a_group_rule_drops_silently_and_a_domain_rule_stays_on_s2s(self):
        bob_jid, bob_pw = self.user("bob")
        carol, bob = await self.login(CAROL, "pw-carol"), await self.login(bob_jid, bob_pw)
        # Names no user or group: federation only, local traffic passes.
        self.add_rule({"action": "drop", "stanza": "message",
                       "source": party("domain", DEFAULT_DOMAIN), "destination": party("any")})
        carol.send_message(mto=bob_jid, mbody="domain rule", mtype="chat")
        await bob.expect_message(body="domain rule")

        self.add_rule({"action": "drop", "stanza": "message",
                       "source": party("group", "staff"), "destination": party("any")})
        carol.send_message(mto=bob_jid, mbody="dropped", mtype="chat")
        await bob.expect_no_event("message", within=1.0)
        await carol.expect_no_event("message_error", within=0.5)
        self.assertIn("c2s message from " + CAROL, self.server.log_text())

    async def test_a_users_own_account_and_the_server_are_never_filtered(self):
        (alice_jid, alice_pw), (bob_jid, bob_pw) = self.user("alice"), self.user("bob")
        alice, bob = await self.login(alice_jid, alice_pw), await self.login(bob_jid, bob_pw)
        self.add_rule({"action": "reject", "stanza": "any",
                       "source": party("user", alice_jid), "destination": party("any")})
        await alice.iq("get", "<ping xmlns='urn:xmpp:ping'/>", to=DEFAULT_DOMAIN)
        await alice.roster_items()
        alice.send_message(mto=alice_jid, mbody="note to self", mtype="chat")
        await alice.expect_message(body="note to self")
        # An iq to another user is filtered like a message.
        with self.assertRaises(IqError) as caught:
            await alice.iq("get", "<query xmlns='jabber:iq:version'/>", to=str(bob.boundjid))
        self.assertEqual(stanza_error(caught.exception.iq)[0], "policy-violation")

    async def test_presence_from_a_filtered_user_is_not_delivered(self):
        (alice_jid, alice_pw), (bob_jid, bob_pw) = self.user("alice"), self.user("bob")
        alice = await self.login(alice_jid, alice_pw)
        bob = await self.login(bob_jid, bob_pw)
        alice.send_presence(pto=str(bob.boundjid), pstatus="before")
        await bob.wait_event("presence", predicate=lambda p: p["status"] == "before")
        self.add_rule({"action": "drop", "stanza": "presence",
                       "source": party("user", alice_jid), "destination": party("user", bob_jid)})
        alice.send_presence(pto=str(bob.boundjid), pstatus="during")
        await bob.expect_no_event("presence", within=1.0,
                                  predicate=lambda p: p["status"] == "during")

    async def test_revoking_or_expiring_a_rule_lifts_it_at_once(self):
        (alice_jid, alice_pw), (bob_jid, bob_pw) = self.user("alice"), self.user("bob")
        alice, bob = await self.login(alice_jid, alice_pw), await self.login(bob_jid, bob_pw)
        spec = {"action": "reject", "stanza": "message",
                "source": party("user", alice_jid), "destination": party("user", bob_jid)}
        entry = self.add_rule(spec)
        await self.assertBounced(alice, bob_jid, "blocked")
        self.assertEqual(self.server.ctl_run("policy", "revoke", str(entry)).returncode, 0)
        alice.send_message(mto=bob_jid, mbody="after revoke", mtype="chat")
        await bob.expect_message(body="after revoke")

        self.add_rule(spec, validity=2)
        await self.assertBounced(alice, bob_jid, "blocked again")
        await asyncio.sleep(2.5)
        alice.send_message(mto=bob_jid, mbody="after expiry", mtype="chat")
        await bob.expect_message(body="after expiry")


if __name__ == "__main__":
    unittest.main(verbosity=2)
