"""A minimal RFC 6455 client with RFC 7395 XMPP framing, standard library only (Debian has no
python3-websockets installed and slixmpp speaks no WebSocket): TLS with the test CA and SNI, the
opening handshake, masked client frames (or deliberately broken ones), and XMPP helpers that
send one element per message and parse each received message as one element."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import ssl
import struct
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .raw import NS_BIND, NS_SASL, q
from .scram import ScramClient, channel_binding_data

NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = 10.0

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WsError(AssertionError):
    pass


class WsClosed(Exception):
    """The server sent a close frame (code, reason) or the connection ended (code None)."""

    def __init__(self, code: int | None, reason: str = "") -> None:
        super().__init__(f"closed: {code} {reason}")
        self.code = code
        self.reason = reason


def frame(opcode: int, payload: bytes, *, fin: bool = True, mask: bool = True,
          rsv: int = 0, declared_length: int | None = None) -> bytes:
    """One client frame; ``declared_length`` lies about the length (oversize tests send only
    the header)."""
    length = len(payload) if declared_length is None else declared_length
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class WsClient:
    """One wss:// connection to ``host:port`` for ``domain`` (SNI, certificate name)."""

    def __init__(self, host: str, port: int, *, domain: str, ca_file: Path | str,
                 timeout: float = TIMEOUT) -> None:
        self.domain = domain
        self.timeout = timeout
        raw = socket.create_connection((host, port), timeout=timeout)
        context = ssl.create_default_context(cafile=str(ca_file))
        self.sock = context.wrap_socket(raw, server_hostname=domain)
        self.buffer = b""
        self.status = 0
        self.headers: dict[str, str] = {}
        self.body = b""

    # --- HTTP ---------------------------------------------------------------------------------
    def handshake(self, path: str = "/xmpp-websocket", *, protocol: str | None = "xmpp",
                  version: str = "13", upgrade: bool = True, host: str | None = None) -> int:
        """Sends the opening handshake (``upgrade=False``: a plain GET); returns the status
        (101 when upgraded) and keeps the headers and, for other answers, the body."""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {host or self.domain}"]
        if upgrade:
            lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                      f"Sec-WebSocket-Version: {version}"]
        if protocol is not None:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *fields = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for field in fields:
            name, _, value = field.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.status == 101:
            expected = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
            if self.headers.get("sec-websocket-accept") != expected:
                raise WsError(f"wrong Sec-WebSocket-Accept: {self.headers}")
        else:
            length = int(self.headers.get("content-length", "0"))
            while len(self.buffer) < length:
                self._read()
            self.body, self.buffer = self.buffer[:length], self.buffer[length:]
        return self.status

    def _read(self) -> None:
        try:
            data = self.sock.recv(65536)
        except (ConnectionError, ssl.SSLError, socket.timeout) as exc:
            raise WsClosed(None, str(exc)) from exc
        if not data:
            raise WsClosed(None, "connection ended")
        self.buffer += data

    def _need(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self._read()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    # --- frames -------------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_text(self, text: str) -> None:
        self.sock.sendall(frame(OP_TEXT, text.encode()))

    def recv_frame(self) -> tuple[int, bool, bytes]:
        b0, b1 = self._need(2)
        if b1 & 0x80:
            raise WsError("server frames must not be masked")
        length = b1 & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", self._need(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self._need(8))
        return b0 & 0x0F, bool(b0 & 0x80), self._need(length)

    def recv_message(self) -> str:
        """The next text message; raises WsClosed on a close frame (after answering it)."""
        parts: list[bytes] = []
        while True:
            opcode, fin, payload = self.recv_frame()
            if opcode == OP_CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise WsClosed(code, payload[2:].decode("utf-8", "replace"))
            if opcode == OP_PING:
                self.sock.sendall(frame(OP_PONG, payload))
                continue
            if opcode == OP_PONG:
                continue
            parts.append(payload)
            if fin:
                return b"".join(parts).decode("utf-8")

    def wait_close(self) -> WsClosed:
        """Reads until the server's close frame (or the end of the connection)."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            try:
                self.recv_message()
            except WsClosed as closed:
                return closed
        raise WsError("the server did not close")

    # --- XMPP (RFC 7395) ----------------------------------------------------------------------
    def element(self) -> ET.Element:
        return ET.fromstring(self.recv_message())

    def expect(self, tag: str) -> ET.Element:
        element = self.element()
        if element.tag != tag:
            raise WsError(f"expected {tag}, got {ET.tostring(element, encoding='unicode')}")
        return element

    def open(self) -> ET.Element:
        """<open/>; returns the stream features that follow the server's <open/>."""
        self.send_text(f"<open xmlns='{NS_FRAMING}' to='{self.domain}' version='1.0'/>")
        opened = self.expect(q(NS_FRAMING, "open"))
        if opened.get("from") != self.domain or opened.get("version") != "1.0":
            raise WsError(f"unexpected <open/>: {opened.attrib}")
        return self.expect(q("http://etherx.jabber.org/streams", "features"))

    def auth_scram(self, mechanism: str, user: str, password: str) -> ET.Element:
        cb_data = (channel_binding_data(self.sock, "tls-exporter")
                   if mechanism.endswith("-PLUS") else None)
        client = ScramClient(mechanism, user, password, cb_data=cb_data)
        first = base64.b64encode(client.first()).decode()
        self.send_text(f"<auth xmlns='{NS_SASL}' mechanism='{mechanism}'>{first}</auth>")
        reply = self.element()
        if reply.tag != q(NS_SASL, "challenge"):
            return reply
        final = base64.b64encode(client.final(base64.b64decode(reply.text or ""))).decode()
        self.send_text(f"<response xmlns='{NS_SASL}'>{final}</response>")
        reply = self.element()
        if reply.tag == q(NS_SASL, "success"):
            client.verify(base64.b64decode(reply.text or ""))
        return reply

    def bind(self, resource: str) -> str:
        self.send_text(f"<iq xmlns='jabber:client' type='set' id='bind1'>"
                       f"<bind xmlns='{NS_BIND}'><resource>{resource}</resource></bind></iq>")
        reply = self.expect(q("jabber:client", "iq"))
        jid = reply.find(f"{q(NS_BIND, 'bind')}/{q(NS_BIND, 'jid')}")
        if reply.get("type") != "result" or jid is None or not jid.text:
            raise WsError(f"bind failed: {ET.tostring(reply, encoding='unicode')}")
        return jid.text

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
