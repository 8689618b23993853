"""Helpers for the federation (s2s) suites: two servers that know each other's ports, the
[s2s] section keyfed reads, certificate pins, a raw server-to-server stream and a fake peer
server that behaves badly on purpose.

Everything listens on loopback; static routes replace DNS, so no suite ever sends a query.
"""

from __future__ import annotations

import hashlib
import socket
import ssl
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from .process import free_ports
from .raw import NS_STREAM, NS_TLS, RawError, RawStream, q

NS_SERVER = "jabber:server"
NS_DIALBACK = "jabber:server:dialback"
NS_DIALBACK_FEATURE = "urn:xmpp:features:dialback"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def s2s_section(*, level: str = "trusted", require_tls: bool = True, default: str = "allow",
                routes: dict[str, tuple[str, int]] | None = None, **extra) -> dict:
    """The [s2s] table: ``routes`` {domain: (host, port)} become [[s2s.route]] entries."""
    section = {"minimum_level": level, "require_tls": require_tls, "default": default,
               "connect_timeout": 5}
    if routes:
        section["route"] = [{"domain": d, "address": f"{h}:{p}"} for d, (h, p) in routes.items()]
    section.update(extra)
    return section


def spki_sha256(cert: Path | str) -> str:
    """Lowercase hex SHA-256 of a PEM certificate's SubjectPublicKeyInfo (an s2s pin)."""
    pubkey = subprocess.run(["openssl", "x509", "-in", str(cert), "-pubkey", "-noout"],
                            capture_output=True, check=True, timeout=30).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pubkey,
                         capture_output=True, check=True, timeout=30).stdout
    return hashlib.sha256(der).hexdigest()


def log_mark(server) -> int:
    """Where the server's log ends now, for wait_for_log(since=...)."""
    return len(server.log_text())


def wait_for_log(server, needle: str, timeout: float = 10.0, since: int = 0) -> str:
    """Waits until ``needle`` appears in the server's log (after the ``since`` mark); returns
    the matching line."""
    deadline = time.monotonic() + timeout
    while True:
        for line in server.log_text()[since:].splitlines():
            if needle in line:
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"{server.kind} never logged {needle!r} within {timeout} s")
        time.sleep(0.05)


class RawS2s(RawStream):
    """A raw server-to-server stream: jabber:server with the dialback prefix, a 'from'
    domain, and (optionally) a client certificate to present in TLS."""

    def __init__(self, host: str, port: int, *, from_domain: str, to_domain: str,
                 client_cert: tuple[Path, Path] | None = None, **options) -> None:
        self.from_domain = from_domain
        self.client_cert = client_cert
        options.setdefault("verify", False)
        super().__init__(host, port, domain=to_domain, **options)

    def stream_header(self, to: str | None = None, *, version: str = "1.0",
                      xml_decl: bool = True, extra: str = "") -> str:
        decl = "<?xml version='1.0'?>" if xml_decl else ""
        return (f"{decl}<stream:stream xmlns='{NS_SERVER}' xmlns:stream='{NS_STREAM}' "
                f"xmlns:db='{NS_DIALBACK}' from='{self.from_domain}' to='{to or self.domain}' "
                f"version='{version}'{extra}>")

    def _wrap_tls(self) -> None:
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if self.client_cert is not None:
            context.load_cert_chain(str(self.client_cert[0]), str(self.client_cert[1]))
        self.sock.settimeout(self.timeout)
        self.sock = context.wrap_socket(self.sock, server_hostname=self.domain)

    def db_result(self, key: str, *, from_domain: str | None = None,
                  to: str | None = None) -> None:
        self.send(f"<db:result from='{from_domain or self.from_domain}' "
                  f"to='{to or self.domain}'>{key}</db:result>")


class FakePeer:
    """A peer server on ``host``:free port that answers one stream at a time the way a bad
    peer would: ``features`` is what it offers (no STARTTLS by default, i.e. a peer, or a man
    in the middle, that strips it). It records every byte received."""

    def __init__(self, domain: str, *, host: str = "127.0.0.1",
                 features: str = f"<dialback xmlns='{NS_DIALBACK_FEATURE}'><errors/></dialback>"
                 ) -> None:
        self.domain = domain
        self.host = host
        self.features = features
        self.port = free_ports(1, host)[0]
        self.received = bytearray()
        self.connections = 0
        self._listener = socket.create_server((host, self.port))
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            with conn:
                conn.settimeout(0.2)
                answered = False
                deadline = time.monotonic() + 15
                while not self._stop.is_set() and time.monotonic() < deadline:
                    try:
                        data = conn.recv(65536)
                    except socket.timeout:
                        continue
                    except OSError:
                        break
                    if not data:
                        break
                    self.received += data
                    if not answered and b"<stream:stream" in self.received:
                        answered = True
                        conn.sendall((f"<?xml version='1.0'?><stream:stream "
                                      f"xmlns='{NS_SERVER}' xmlns:stream='{NS_STREAM}' "
                                      f"xmlns:db='{NS_DIALBACK}' from='{self.domain}' "
                                      f"id='fake-{self.connections}' version='1.0'>"
                                      f"<stream:features>{self.features}</stream:features>"
                                      ).encode())

    def text(self) -> str:
        return self.received.decode(errors="replace")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> "FakePeer":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def stanza_error(stanza) -> tuple[str | None, str | None]:
    """(condition, text) of a slixmpp error stanza, read from the XML (slixmpp 1.8 knows only
    RFC 3920's conditions and reports policy-violation as none)."""
    condition = text = None
    for error in stanza.xml:
        if not error.tag.endswith("}error") and error.tag != "error":
            continue
        for child in error:
            if child.tag == f"{{{NS_STANZAS}}}text":
                text = child.text
            elif child.tag.startswith(f"{{{NS_STANZAS}}}"):
                condition = child.tag.rsplit("}", 1)[-1]
    return condition, text


__all__ = ["FakePeer", "RawS2s", "RawError", "NS_DIALBACK", "NS_DIALBACK_FEATURE", "NS_SASL",
           "NS_SERVER", "NS_TLS", "ET", "q", "log_mark", "s2s_section", "spki_sha256",
           "stanza_error", "wait_for_log"]
