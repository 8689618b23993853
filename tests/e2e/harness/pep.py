"""What PEP suites share: a mutual presence subscription made through the server's presence
module, and XEP-0060 publish-options forms."""

import asyncio

from harness.clients import TIMEOUT


async def befriend(a, a_jid: str, b, b_jid: str) -> None:
    """Clients `a` and `b` (bare JIDs `a_jid`, `b_jid`, auto_subscription on) end up with a
    `both` subscription to each other."""
    a.send_presence(pto=b_jid, ptype="subscribe")
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while True:
        a_side = (await a.roster_items()).get(b_jid, {})
        b_side = (await b.roster_items()).get(a_jid, {})
        if a_side.get("subscription") == b_side.get("subscription") == "both":
            return
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no mutual subscription: {a_side} {b_side}")
        await asyncio.sleep(0.1)


def publish_options(client, **fields: str):
    """A pubsub#publish-options form (client with xep_0004): publish_options(c, access_model="open")."""
    form = client.plugin["xep_0004"].make_form(ftype="submit")
    form.add_field(var="FORM_TYPE", ftype="hidden",
                   value="http://jabber.org/protocol/pubsub#publish-options")
    for var, value in fields.items():
        form.add_field(var=f"pubsub#{var}", value=value)
    return form
