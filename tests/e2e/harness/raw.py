"""A raw XMPP client socket for bad-input and protocol-detail tests.

It sends exactly the bytes a test gives it and parses what the server sends back into
top-level stream elements (Python's expat through ElementTree's pull parser). STARTTLS and
SASL (PLAIN, SCRAM with channel binding) are done by hand so a test can deviate at any step.
Every read has a deadline; a server that closes or resets the connection is an outcome to
inspect (``closed``, ``reset``), not an exception.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import select
import socket
import ssl
import time
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

from .scram import ScramClient, channel_binding_data

TIMEOUT = 10.0
NS_STREAM = "http://etherx.jabber.org/streams"
NS_CLIENT = "jabber:client"
NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_STREAMS_ERR = "urn:ietf:params:xml:ns:xmpp-streams"
NS_STANZAS_ERR = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_SASL_CB = "urn:xmpp:sasl-cb:0"


def q(ns: str, name: str) -> str:
    """ElementTree's qualified name: q(NS_SASL, 'success') == '{urn:...}success'."""
    return f"{{{ns}}}{name}"


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class RawError(AssertionError):
    """The server did not do what the protocol step needed (the test fails with this)."""


@dataclasses.dataclass
class StreamEnd:
    """How a stream ended: the stream error condition (if any), and how the TCP side ended."""

    condition: str | None
    text: str | None
    closed: bool  # the server closed the stream or the connection
    reset: bool  # the connection was reset (the server closed with unread input)

    @property
    def terminated(self) -> bool:
        return self.closed or self.reset


class RawStream:
    """One TCP connection to ``host:port``; ``direct_tls`` for XEP-0368 ports."""

    _ids = itertools.count(1)

    def __init__(self, host: str, port: int, *, domain: str, ca_file: Path | str | None = None,
                 verify: bool = True, direct_tls: bool = False, timeout: float = TIMEOUT,
                 tls_max: ssl.TLSVersion | None = None, tls_min: ssl.TLSVersion | None = None,
                 source_address: str | None = None) -> None:
        self.domain = domain
        self.ca_file = ca_file
        self.verify = verify
        self.timeout = timeout
        self.tls_max = tls_max
        self.tls_min = tls_min
        source = (source_address, 0) if source_address else None
        self.sock: socket.socket = socket.create_connection((host, port), timeout=timeout,
                                                            source_address=source)
        self.header: dict[str, str] | None = None
        self.features: ET.Element | None = None  # of the latest stream
        self.elements: list[ET.Element] = []
        self.closed = False  # </stream:stream> or EOF seen
        self.reset = False
        self.stream_closed_tag = False
        self.send_failed = False
        self.received = bytearray()
        self._new_parser()
        if direct_tls:
            self._wrap_tls()

    # --- bytes ------------------------------------------------------------------------------
    def _new_parser(self) -> None:
        self._parser = ET.XMLPullParser(events=("start", "end"))
        self._depth = 0

    def send(self, data: bytes | str, timeout: float | None = None) -> bool:
        """Sends everything unless the server stops reading or closes first.

        While the kernel cannot take more, reads what the server says (so a stream error sent
        before a reset is not lost). Returns False if not everything was sent.
        """
        payload = memoryview(data.encode() if isinstance(data, str) else data)
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        position = 0
        chunk = 16384
        while position < len(payload):
            if self.closed or self.reset or time.monotonic() > deadline:
                self.send_failed = True
                return False
            try:
                self.sock.settimeout(0.05)
                sent = self.sock.send(payload[position:position + chunk])
                position += sent
            except (socket.timeout, ssl.SSLWantWriteError, BlockingIOError):
                self._pump(0.05)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                self.send_failed = True
                self._pump(0.5)
                self.reset = self.reset or not self.closed
                return False
        return True

    def _pump(self, timeout: float) -> bool:
        """Reads once (waiting up to ``timeout``) and parses; False when nothing arrived."""
        if self.closed or self.reset:
            return False
        try:
            if not (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending()):
                ready, _, _ = select.select([self.sock], [], [], max(timeout, 0))
                if not ready:
                    return False
            self.sock.settimeout(max(timeout, 0.01))
            data = self.sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            return False
        except (ConnectionResetError, BrokenPipeError):
            self.reset = True
            return False
        except (ssl.SSLError, OSError):
            self.closed = True
            return False
        if not data:
            self.closed = True
            return False
        self.received += data
        self._feed(data)
        return True

    def _feed(self, data: bytes) -> None:
        try:
            self._parser.feed(data)
            events = list(self._parser.read_events())
        except ET.ParseError as exc:
            raise RawError(f"the server sent XML that is not well-formed: {exc}: "
                           f"{bytes(self.received[-500:])!r}") from exc
        for event, element in events:
            if event == "start":
                self._depth += 1
                if self._depth == 1:
                    if element.tag != q(NS_STREAM, "stream"):
                        raise RawError(f"expected a stream header, got {element.tag}")
                    self.header = dict(element.attrib)
            else:
                self._depth -= 1
                if self._depth == 1:
                    self.elements.append(element)
                elif self._depth == 0:
                    self.stream_closed_tag = True
                    self.closed = True

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self) -> "RawStream":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- elements ---------------------------------------------------------------------------
    def next_element(self, timeout: float | None = None) -> ET.Element:
        """The next top-level element the server sends (stream features, stanza, error...)."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while not self.elements:
            if self.closed or self.reset:
                raise RawError(f"stream ended (closed={self.closed}, reset={self.reset}) while "
                               f"waiting for an element; received {bytes(self.received[-500:])!r}")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RawError(f"no element within the timeout; received "
                               f"{bytes(self.received[-500:])!r}")
            self._pump(remaining)
        return self.elements.pop(0)

    def expect(self, tag: str, timeout: float | None = None) -> ET.Element:
        element = self.next_element(timeout)
        if element.tag != tag:
            raise RawError(f"expected {tag}, got {ET.tostring(element, encoding='unicode')}")
        return element

    def wait_header(self, timeout: float | None = None) -> dict[str, str]:
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while self.header is None:
            remaining = deadline - time.monotonic()
            if self.closed or self.reset or remaining <= 0:
                raise RawError(f"no stream header; received {bytes(self.received[-500:])!r}")
            self._pump(remaining)
        return self.header

    def wait_end(self, timeout: float | None = None) -> StreamEnd:
        """Reads until the server ends the stream or the connection (bounded); returns how.

        Elements other than a stream error are kept in ``elements``.
        """
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while not (self.closed or self.reset) and time.monotonic() < deadline:
            self._pump(deadline - time.monotonic())
        condition = text = None
        for element in self.elements:
            if element.tag == q(NS_STREAM, "error"):
                for child in element:
                    if child.tag == q(NS_STREAMS_ERR, "text"):
                        text = child.text
                    elif child.tag.startswith(f"{{{NS_STREAMS_ERR}}}"):
                        condition = local(child.tag)
        return StreamEnd(condition, text, self.closed, self.reset)

    # --- protocol steps ---------------------------------------------------------------------
    def stream_header(self, to: str | None = None, *, version: str = "1.0",
                      xml_decl: bool = True, extra: str = "") -> str:
        to_attr = f" to='{to or self.domain}'" if (to or self.domain) else ""
        decl = "<?xml version='1.0'?>" if xml_decl else ""
        return (f"{decl}<stream:stream xmlns='{NS_CLIENT}' xmlns:stream='{NS_STREAM}'"
                f"{to_attr} version='{version}' xml:lang='en'{extra}>")

    def open(self, to: str | None = None) -> ET.Element:
        """Sends a stream header, waits for the server's header and its stream features."""
        self._new_parser()
        self.header = None
        self.send(self.stream_header(to))
        self.wait_header()
        self.features = self.expect(q(NS_STREAM, "features"))
        return self.features

    def _wrap_tls(self) -> None:
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # old versions are the point
            if self.tls_min is not None:
                # Old protocol versions need OpenSSL's security level 0 on the client side, so
                # that a refusal can only come from the server.
                context.set_ciphers("DEFAULT:@SECLEVEL=0")
                context.minimum_version = self.tls_min
            if self.tls_max is not None:
                context.maximum_version = self.tls_max
        self.sock.settimeout(self.timeout)
        self.sock = context.wrap_socket(self.sock, server_hostname=self.domain)

    def starttls(self) -> None:
        """<starttls/>, <proceed/>, TLS handshake (certificate checked against the test CA)."""
        self.send(f"<starttls xmlns='{NS_TLS}'/>")
        self.expect(q(NS_TLS, "proceed"))
        if self.elements:
            raise RawError("server sent data after <proceed/> before the TLS handshake")
        self._wrap_tls()

    def auth_plain(self, user: str, password: str, authzid: str = "") -> ET.Element:
        """Sends SASL PLAIN; returns the server's <success/> or <failure/>."""
        token = base64.b64encode(f"{authzid}\0{user}\0{password}".encode()).decode()
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='PLAIN'>{token}</auth>")
        return self.next_element()

    def auth_scram(self, mechanism: str, user: str, password: str, *,
                   cb_type: str = "tls-exporter", cb_data: bytes | None = None,
                   cb_flag: str | None = None) -> ET.Element:
        """A full SCRAM exchange; returns <success/> (server signature verified) or <failure/>.

        For -PLUS the binding data is computed from this connection unless ``cb_data`` is given.
        """
        if mechanism.endswith("-PLUS") and cb_data is None:
            cb_data = channel_binding_data(self.sock, cb_type)
        client = ScramClient(mechanism, user, password, cb_type=cb_type, cb_data=cb_data,
                             cb_flag=cb_flag)
        first = base64.b64encode(client.first()).decode()
        self.send(f"<auth xmlns='{NS_SASL}' mechanism='{mechanism}'>{first}</auth>")
        reply = self.next_element()
        if reply.tag != q(NS_SASL, "challenge"):
            return reply
        final = client.final(base64.b64decode(reply.text or ""))
        self.send(f"<response xmlns='{NS_SASL}'>{base64.b64encode(final).decode()}</response>")
        reply = self.next_element()
        if reply.tag == q(NS_SASL, "success"):
            client.verify(base64.b64decode(reply.text or ""))
        return reply

    def bind(self, resource: str | None = None) -> str:
        """Resource binding; returns the full JID the server assigned."""
        inner = f"<resource>{resource}</resource>" if resource else ""
        reply = self.iq("set", f"<bind xmlns='{NS_BIND}'>{inner}</bind>")
        if reply.get("type") != "result":
            raise RawError(f"bind failed: {ET.tostring(reply, encoding='unicode')}")
        jid = reply.find(f"{q(NS_BIND, 'bind')}/{q(NS_BIND, 'jid')}")
        if jid is None or not jid.text:
            raise RawError("bind result without a JID")
        return jid.text

    def iq(self, itype: str, payload: str, to: str | None = None,
           timeout: float | None = None) -> ET.Element:
        """Sends an IQ and returns the reply with the same id (other elements are kept)."""
        iq_id = f"raw{next(self._ids)}"
        to_attr = f" to='{to}'" if to else ""
        self.send(f"<iq type='{itype}' id='{iq_id}'{to_attr}>{payload}</iq>")
        return self.wait_for(lambda e: e.tag == q(NS_CLIENT, "iq") and e.get("id") == iq_id,
                             timeout)

    def wait_for(self, predicate, timeout: float | None = None) -> ET.Element:
        """The first element (received or arriving) for which ``predicate`` holds."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        checked = 0
        while True:
            for index in range(checked, len(self.elements)):
                if predicate(self.elements[index]):
                    return self.elements.pop(index)
            checked = len(self.elements)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed or self.reset:
                raise RawError(f"expected element did not arrive (closed={self.closed}, "
                               f"reset={self.reset}); received {bytes(self.received[-500:])!r}")
            self._pump(remaining)

    def authenticate(self, user: str, password: str) -> ET.Element:
        """STARTTLS, PLAIN and the restarted stream, without binding (where XEP-0198
        <resume/> goes); returns the stream features."""
        features = self.open()
        if features.find(q(NS_TLS, "starttls")) is not None:
            self.starttls()
            self.open()
        result = self.auth_plain(user, password)
        if result.tag != q(NS_SASL, "success"):
            raise RawError(f"login failed: {ET.tostring(result, encoding='unicode')}")
        return self.open()

    def login(self, user: str, password: str, resource: str | None = None) -> str:
        """STARTTLS, PLAIN, bind: an authenticated session; returns the full JID."""
        self.authenticate(user, password)
        return self.bind(resource)


def mechanisms(features: ET.Element) -> list[str]:
    element = features.find(q(NS_SASL, "mechanisms"))
    if element is None:
        return []
    return [m.text or "" for m in element.findall(q(NS_SASL, "mechanism"))]


def channel_bindings(features: ET.Element) -> list[str]:
    """XEP-0440 advertisement: the channel-binding types the server supports."""
    element = features.find(q(NS_SASL_CB, "sasl-channel-binding"))
    if element is None:
        return []
    return [cb.get("type", "") for cb in element.findall(q(NS_SASL_CB, "channel-binding"))]


def sasl_condition(failure: ET.Element) -> str | None:
    for child in failure:
        if child.tag.startswith(f"{{{NS_SASL}}}") and local(child.tag) != "text":
            return local(child.tag)
    return None


def stanza_error_condition(stanza: ET.Element) -> str | None:
    error = stanza.find(q(NS_CLIENT, "error"))
    if error is None:
        return None
    for child in error:
        if child.tag.startswith(f"{{{NS_STANZAS_ERR}}}") and local(child.tag) != "text":
            return local(child.tag)
    return None
