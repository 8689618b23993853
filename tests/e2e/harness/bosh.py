"""A BOSH (XEP-0124/0206) client by hand for the e2e tests: raw HTTPS with the standard library.

Each request is a POST of one <body/> on a connection of its own (http.client over ssl, the test CA
trusted, SNI = the domain), so the test controls rid, sid and timing exactly, and can hold one
request while sending another from a second thread, as a browser does with two connections."""

from __future__ import annotations

import base64
import http.client
import socket
import ssl
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .raw import NS_BIND, NS_SASL, q
from .scram import ScramClient

NS_HTTPBIND = "http://jabber.org/protocol/httpbind"
NS_XBOSH = "urn:xmpp:xbosh"
TIMEOUT = 30.0


class BoshError(AssertionError):
    """The server's answer was not what the step needed."""


@dataclass
class BoshAnswer:
    status: int
    headers: dict[str, str]
    raw: bytes
    body: ET.Element | None = None  # the parsed <body/> on 200

    @property
    def payloads(self) -> list[ET.Element]:
        return list(self.body) if self.body is not None else []

    @property
    def terminated(self) -> bool:
        return self.body is not None and self.body.get("type") == "terminate"

    @property
    def condition(self) -> str | None:
        return self.body.get("condition") if self.body is not None else None


@dataclass
class BoshClient:
    host: str
    port: int
    domain: str
    ca_file: str
    path: str = "/http-bind"
    rid: int = 4242
    sid: str | None = None
    session: dict[str, str] = field(default_factory=dict)  # the creation answer's attributes
    pending: list[ET.Element] = field(default_factory=list)  # payloads not yet taken

    def post(self, data: bytes | str, *, method: str = "POST",
             headers: dict[str, str] | None = None, timeout: float = TIMEOUT) -> BoshAnswer:
        """One request on a fresh connection; the answer as it came."""
        if isinstance(data, str):
            data = data.encode()
        context = ssl.create_default_context(cafile=str(self.ca_file))
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            # TLS to the loopback address, with SNI and the certificate check for the domain.
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
            connection.sock = context.wrap_socket(sock, server_hostname=self.domain)
            all_headers = {"Host": f"{self.domain}:{self.port}",
                           "Content-Type": "text/xml; charset=utf-8"}
            all_headers.update(headers or {})
            connection.request(method, self.path, body=data if method == "POST" else None,
                               headers=all_headers)
            response = connection.getresponse()
            raw = response.read()
            answer = BoshAnswer(response.status, {k.lower(): v for k, v in response.getheaders()},
                                raw)
            if response.status == 200 and raw and \
                    answer.headers.get("content-type", "").startswith("text/xml"):
                answer.body = ET.fromstring(raw)
                if answer.body.tag != q(NS_HTTPBIND, "body"):
                    raise BoshError(f"not a BOSH body: {raw!r}")
            return answer
        finally:
            connection.close()

    def raw(self, request: bytes, timeout: float = TIMEOUT) -> bytes:
        """Sends ``request`` as is and returns what comes back until the server closes."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=self.domain) as tls:
                tls.sendall(request)
                received = b""
                try:
                    while chunk := tls.recv(65536):
                        received += chunk
                except (ssl.SSLError, ConnectionResetError):
                    pass  # closed without a TLS close_notify: what came is the answer
                return received

    def body(self, payload: str = "", **attributes: str) -> str:
        """A request <body/> with the next rid (and the sid once there is one)."""
        self.rid += 1
        attrs = {"rid": str(self.rid), "xmlns": NS_HTTPBIND, "xmlns:xmpp": NS_XBOSH}
        if self.sid:
            attrs["sid"] = self.sid
        attrs.update(attributes)
        text = " ".join(f"{name}='{value}'" for name, value in attrs.items())
        return f"<body {text}>{payload}</body>" if payload else f"<body {text}/>"

    def send(self, payload: str = "", **attributes: str) -> BoshAnswer:
        answer = self.post(self.body(payload, **attributes))
        if answer.status != 200:
            raise BoshError(f"HTTP {answer.status}: {answer.raw!r}")
        self.pending.extend(answer.payloads)
        return answer

    def create(self, wait: int = 10, hold: int = 1) -> BoshAnswer:
        answer = self.send(to=self.domain, wait=str(wait), hold=str(hold),
                           **{"xmpp:version": "1.0", "xml:lang": "en"})
        if answer.terminated or answer.body is None:
            raise BoshError(f"session refused: {answer.raw!r}")
        self.session = dict(answer.body.attrib)
        self.sid = answer.body.get("sid")
        return answer

    def next_payload(self, tag: str | None = None, polls: int = 5) -> ET.Element:
        """The next payload (of ``tag``), polling with empty requests as long as needed."""
        for _ in range(polls + 1):
            while self.pending:
                element = self.pending.pop(0)
                if tag is None or element.tag == tag:
                    return element
            answer = self.send()
            if answer.terminated:
                raise BoshError(f"session ended: {answer.raw!r}")
        raise BoshError(f"no {tag or 'payload'} after {polls} polls")

    def features(self) -> ET.Element:
        return self.next_payload(q("http://etherx.jabber.org/streams", "features"))

    def auth_scram(self, mechanism: str, user: str, password: str) -> ET.Element:
        client = ScramClient(mechanism, user, password)
        first = base64.b64encode(client.first()).decode()
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='{mechanism}'>{first}</auth>")
        reply = self.next_payload()
        if reply.tag != q(NS_SASL, "challenge"):
            return reply
        final = base64.b64encode(client.final(base64.b64decode(reply.text or ""))).decode()
        self.send(f"<response xmlns='{NS_SASL}'>{final}</response>")
        reply = self.next_payload()
        if reply.tag == q(NS_SASL, "success"):
            client.verify(base64.b64decode(reply.text or ""))
        return reply

    def restart(self) -> ET.Element:
        """XEP-0206 5: the stream restart after SASL; returns the new features."""
        self.send(to=self.domain, **{"xmpp:restart": "true", "xml:lang": "en"})
        return self.features()

    def bind(self, resource: str) -> str:
        self.send(f"<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='{NS_BIND}'>"
                  f"<resource>{resource}</resource></bind></iq>")
        reply = self.next_payload(q("jabber:client", "iq"))
        jid = reply.find(f"{q(NS_BIND, 'bind')}/{q(NS_BIND, 'jid')}")
        if reply.get("type") != "result" or jid is None or not jid.text:
            raise BoshError(f"bind failed: {ET.tostring(reply, encoding='unicode')}")
        return jid.text
