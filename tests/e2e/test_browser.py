"""A real browser logs in (issue #8, docs/websocket.md, docs/testing.md).

Headless Chromium (Debian ``chromium``) opens a page served by this test on loopback; the page
loads Debian's strophe.js (``libjs-strophe``), logs in to keyfed as user A over wss (RFC 7395)
or over BOSH (XEP-0206, from the page's other origin, so with CORS),
sends a message to user B, a slixmpp client on the TCP listener, and reports B's answer back to
the test. Both directions are asserted. harness/browser.py explains how the browser is confined
(loopback only, one trusted certificate, a throwaway profile, killed on every path)."""

from __future__ import annotations

import asyncio
import json
import time
import unittest

from harness.browser import Chromium, PageServer, spki_sha256
from harness.target import target_kind
from harness.testcase import ServerTestCase

PAGE_TIMEOUT = 45.0  # seconds for the page to log in (Chromium's start on a loaded machine)

# The page: strophe.js does everything a web client does; each step is POSTed to /report.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>keyfed browser test</title>
<script src="/strophe.js"></script></head>
<body><script>
"use strict";
const config = CONFIG;
function report(event, detail) {
  return fetch("/report", {method: "POST", headers: {"content-type": "application/json"},
                           body: JSON.stringify(Object.assign({event: event}, detail || {}))});
}
window.onerror = function (message) { report("error", {message: String(message)}); };
const names = {};
for (const name in Strophe.Status) names[Strophe.Status[name]] = name;
const conn = new Strophe.Connection(config.url);
conn.connect(config.jid + "/" + config.resource, config.password, function (status, condition) {
  report("status", {status: names[status], condition: condition || ""});
  if (status !== Strophe.Status.CONNECTED) return;
  conn.addHandler(function (msg) {
    const body = msg.getElementsByTagName("body")[0];
    report("message", {from: msg.getAttribute("from"), type: msg.getAttribute("type"),
                       body: body ? Strophe.getText(body) : null});
    return true;  // keep the handler
  }, null, "message");
  conn.send($pres());
  conn.send($msg({to: config.peer, type: "chat"}).c("body").t(config.text));
  report("connected", {jid: conn.jid, mechanism: conn._sasl_mechanism.name});
});
</script></body></html>
"""


@unittest.skipIf(target_kind() == "prosody", "keyfed's https listener only")
class StropheInChromium(ServerTestCase):
    server_options = {"listeners": ("c2s", "https")}

    def browser_session(self, url: str, jid: str, password: str, peer: str,
                        text: str) -> PageServer:
        """Serves the page for ``jid`` and starts Chromium on it; both end with the test."""
        config = {"url": url, "jid": jid, "password": password, "resource": "browser",
                  "peer": peer, "text": text}
        pages = PageServer(PAGE.replace("CONFIG", json.dumps(config)))
        self.addCleanup(pages.close)
        certificate = self.server.tmp / "certs" / f"{self.domain}.crt"
        chromium = Chromium(f"http://127.0.0.1:{pages.port}/",
                            trusted_spki=spki_sha256(certificate))
        self.addCleanup(chromium.close)
        self.chromium = chromium
        return pages

    async def next_event(self, pages: PageServer, event: str, deadline: float) -> dict:
        """The page's next ``event`` report; a failed login or a script error fails at once."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail(f"no '{event}' from the page in time; Chromium's log:\n"
                          f"{self.chromium.log_tail()}")
            try:
                report = await asyncio.to_thread(pages.next_report, remaining)
            except AssertionError:
                continue  # the deadline check above fails with the browser's log
            if report["event"] == event:
                return report
            if report["event"] == "error" or report.get("status") in ("AUTHFAIL", "CONNFAIL",
                                                                        "DISCONNECTED"):
                self.fail(f"the page failed while waiting for '{event}': {report}")

    async def exchange_messages(self, url: str) -> None:
        alice, alice_password = self.user("alice")
        bob, bob_password = self.user("bob")
        tcp = await self.login(bob, bob_password)
        deadline = time.monotonic() + PAGE_TIMEOUT
        pages = self.browser_session(url, alice, alice_password, bob, "hello from strophe.js")

        connected = await self.next_event(pages, "connected", deadline)
        self.assertEqual(connected["jid"], f"{alice}/browser")
        self.assertEqual(connected["mechanism"], "SCRAM-SHA-1")  # strophe.js 1.2's best
        received = await tcp.expect_message(sender=f"{alice}/browser",
                                            body="hello from strophe.js", timeout=20)
        self.assertEqual(received["type"], "chat")

        tcp.send_message(mto=received["from"], mbody="hello back from slixmpp", mtype="chat")
        answer = await self.next_event(pages, "message", time.monotonic() + 20)
        self.assertEqual((answer["from"], answer["type"], answer["body"]),
                         (str(tcp.boundjid), "chat", "hello back from slixmpp"))

    async def test_strophe_over_websocket_logs_in_and_exchanges_messages(self):
        port = self.server.listeners["https"]
        await self.exchange_messages(f"wss://{self.domain}:{port}/xmpp-websocket")

    async def test_strophe_over_bosh_logs_in_and_exchanges_messages(self):
        """XEP-0206 from another origin: strophe.js's XMLHttpRequests need CORS (a preflight
        for the text/xml POST) and long polling brings B's answer."""
        port = self.server.listeners["https"]
        await self.exchange_messages(f"https://{self.domain}:{port}/http-bind")


if __name__ == "__main__":
    unittest.main()
