#!/usr/bin/python3
"""Sends one chat message and says what became of it (README.md, step 4).

    ./send.py alice@a.example bob@b.example "hello"

Logs in with password "pw" to the JID's server at the c2s listener of its config (a.toml for
a.example), checking its certificate against out/ca/ca.crt, sends the message, and waits a few
seconds for an error bounce: "bounced: policy-violation ..." or "no bounce: accepted by ...".
Uses Debian's python3-slixmpp (make deps installs it)."""

import asyncio
import logging
import ssl
import sys
import tomllib
from pathlib import Path

import slixmpp

HERE = Path(__file__).resolve().parent
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def c2s_listener(domain: str) -> tuple[str, int]:
    """The c2s listener of the domain's server: a.example is served by a.toml."""
    config = tomllib.loads((HERE / f"{domain.split('.')[0]}.toml").read_text())
    listener = next(entry for entry in config["listener"] if entry["type"] == "c2s")
    return listener["address"], listener["port"]


class Sender(slixmpp.ClientXMPP):
    def __init__(self, jid: str, to: str, body: str) -> None:
        super().__init__(jid, "pw")
        self.to, self.body, self.outcome = to, body, None
        self.ssl_context = ssl.create_default_context(cafile=str(HERE / "out/ca/ca.crt"))
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message_error", self.bounced)
        # failed_auth fires per mechanism (slixmpp tries SCRAM-*-PLUS first); no_auth when all failed.
        self.add_event_handler("no_auth", lambda _: self.finish("login failed"))

    async def start(self, _event) -> None:
        self.send_presence()
        self.send_message(mto=self.to, mbody=self.body, mtype="chat")
        await asyncio.sleep(5)
        self.finish(f"no bounce within 5 s: accepted by {self.to.split('@')[-1]}")

    def bounced(self, message) -> None:
        # Read from the XML: slixmpp 1.8 knows only RFC 3920's conditions (no policy-violation).
        condition, text = "", ""
        for child in message.xml.find("{jabber:client}error") or []:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "text":
                text = child.text or ""
            elif child.tag.startswith("{" + STANZAS + "}"):
                condition = name
        self.finish(f"bounced: {condition}: {text}")

    def finish(self, outcome: str) -> None:
        if self.outcome is None:
            self.outcome = outcome
            self.disconnect()


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    jid, to, body = sys.argv[1:]
    logging.basicConfig(level=logging.CRITICAL)  # slixmpp's warnings are not the answer
    sender = Sender(jid, to, body)
    sender.connect(c2s_listener(jid.split("@")[-1]))
    sender.loop.run_until_complete(sender.disconnected)
    print(sender.outcome or "disconnected before the message was sent")
    return 0 if sender.outcome and sender.outcome.startswith("no bounce") else 1


if __name__ == "__main__":
    sys.exit(main())
