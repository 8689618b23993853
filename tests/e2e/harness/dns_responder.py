"""A small authoritative DNS responder for tests: SRV, A and AAAA records from a dict, over UDP
and TCP on one loopback address and port. Standard library only.

The test machines have no DNS and tests must never query the machine's resolver; a test that
wants real SRV handling (priorities, weights, direct TLS, the "." target, fallback to A/AAAA)
starts one of these and configures the server under test to ask it (keyfed: the DNS server
option, e.g. ``127.0.0.1:53535``).

Zone format (names case-insensitive, trailing dot optional)::

    {
        "_xmpp-server._tcp.b.test": {"SRV": [(10, 50, 5269, "s2s.b.test")]},   # prio, weight, port, target
        "_xmpps-server._tcp.b.test": {"SRV": [(10, 50, 5270, "s2s.b.test")]},
        "s2s.b.test": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
        "none.test": {"SRV": [(0, 0, 0, ".")]},          # "." target: service decidedly unavailable
        "broken.test": {"RCODE": "SERVFAIL"},            # answer every question with this rcode
        "slow.test": {"DROP": True},                     # never answer (timeouts)
    }

A name that is not in the zone gets NXDOMAIN; a name that is, asked for a type it lacks, gets an
empty NOERROR answer (NODATA). A UDP answer larger than the client allows (512 bytes, or its EDNS
size) is truncated with TC set, so the client repeats the question over TCP; a TCP answer larger
than 65535 bytes loses records from its end and keeps TC.

In a test::

    with DnsResponder(zone) as dns:                 # 127.0.0.1, a free port
        config["dns_servers"] = [dns.server]        # "127.0.0.1:PORT"
        ...
        assert ("_xmpp-server._tcp.b.test", "SRV", "udp") in dns.queries

As a process (the C++ resolver tests do this)::

    /usr/bin/python3 dns_responder.py --zone zone.json [--host 127.0.0.1] [--port 0] [--until-stdin-closes]

prints ``READY <port>`` on stdout once both sockets are bound, then serves until SIGTERM, SIGINT or
(with ``--until-stdin-closes``) the end of its standard input.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import selectors
import signal
import socket
import struct
import sys
import threading
from typing import Any, Iterable

TYPES = {"A": 1, "AAAA": 28, "SRV": 33}
TYPE_NAMES = {value: name for name, value in TYPES.items()}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}
CLASS_IN = 1
TYPE_OPT = 41
MAX_QUERY_BYTES = 4096       # a question with EDNS is a few dozen bytes
MAX_TCP_CONNECTIONS = 16
TCP_IDLE_TIMEOUT = 10.0      # seconds a TCP client may stay silent
BIND_ATTEMPTS = 20           # UDP port that is also free for TCP


class ZoneError(ValueError):
    """The zone dict is malformed; the message says where."""


def _normalize(name: str) -> str:
    name = name.strip().lower()
    return name[:-1] if name.endswith(".") and name != "." else name


def _encode_name(name: str) -> bytes:
    if name in ("", "."):
        return b"\x00"
    out = bytearray()
    for label in name.rstrip(".").split("."):
        raw = label.encode("ascii")
        if not 0 < len(raw) < 64:
            raise ZoneError(f"bad label in {name!r}")
        out += bytes([len(raw)]) + raw
    return bytes(out + b"\x00")


def _compile_zone(zone: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Checks the zone and turns it into name -> {"records": {type: [rdata]}, "rcode", "drop"}."""
    compiled: dict[str, dict[str, Any]] = {}
    for name, entries in zone.items():
        key = _normalize(name)
        _encode_name(key)
        node: dict[str, Any] = {"records": {}, "rcode": None, "drop": False}
        for rtype, values in entries.items():
            if rtype == "DROP":
                node["drop"] = bool(values)
            elif rtype == "RCODE":
                if values not in RCODES:
                    raise ZoneError(f"{name}: RCODE must be one of {sorted(RCODES)}")
                node["rcode"] = RCODES[values]
            elif rtype == "A":
                node["records"][1] = [ipaddress.IPv4Address(v).packed for v in values]
            elif rtype == "AAAA":
                node["records"][28] = [ipaddress.IPv6Address(v).packed for v in values]
            elif rtype == "SRV":
                rdatas = []
                for record in values:
                    try:
                        priority, weight, port, target = record
                        rdatas.append(struct.pack("!HHH", priority, weight, port)
                                      + _encode_name(_normalize(target)))
                    except (ValueError, TypeError, struct.error) as exc:
                        raise ZoneError(f"{name}: SRV wants (priority, weight, port, target), "
                                        f"got {record!r}") from exc
                node["records"][33] = rdatas
            else:
                raise ZoneError(f"{name}: unsupported type {rtype!r} (A, AAAA, SRV, RCODE, DROP)")
        compiled[key] = node
    return compiled


def _parse_query(data: bytes) -> tuple[int, int, bytes, str, int, int] | None:
    """(id, flags, raw question, name, qtype, max UDP size) or None when it is not a query."""
    if len(data) < 12:
        return None
    qid, flags, qdcount, ancount, nscount, arcount = struct.unpack("!6H", data[:12])
    if flags & 0x8000 or qdcount != 1:
        return None
    pos, labels = 12, []
    while True:
        if pos >= len(data):
            return None
        length = data[pos]
        if length == 0:
            pos += 1
            break
        if length > 63 or pos + 1 + length > len(data):
            return None  # compression pointers never appear in a lone question
        labels.append(data[pos + 1:pos + 1 + length].decode("ascii", "replace"))
        pos += 1 + length
    if pos + 4 > len(data):
        return None
    qtype, _qclass = struct.unpack("!HH", data[pos:pos + 4])
    question = data[12:pos + 4]
    pos += 4
    udp_size = 512
    if ancount == 0 and nscount == 0:
        for _ in range(min(arcount, 4)):  # look for the EDNS OPT record
            if pos + 11 > len(data) or data[pos] != 0:
                break
            rtype, rclass, _ttl, rdlength = struct.unpack("!HHIH", data[pos + 1:pos + 11])
            if rtype == TYPE_OPT:
                udp_size = max(512, min(rclass, 4096))
            pos += 11 + rdlength
    return qid, flags, question, ".".join(labels), qtype, udp_size


def _response(qid: int, flags: int, question: bytes, rcode: int,
              answers: Iterable[tuple[int, bytes]], ttl: int, limit: int) -> bytes:
    """A response within ``limit`` bytes: all answers, or as many as fit with TC set."""
    out_flags = 0x8000 | (flags & 0x7800) | 0x0400 | (flags & 0x0100) | rcode  # QR AA RD
    body, count, truncated = bytearray(question), 0, False
    for rtype, rdata in answers:
        record = struct.pack("!HHHIH", 0xC00C, rtype, CLASS_IN, ttl, len(rdata)) + rdata
        if 12 + len(body) + len(record) > limit:
            truncated = True
            break
        body += record
        count += 1
    if truncated and limit <= 4096:
        body, count = bytearray(question), 0  # UDP: the client retries over TCP
    if truncated:
        out_flags |= 0x0200
    return struct.pack("!6H", qid, out_flags, 1, count, 0, 0) + bytes(body)


class DnsResponder:
    """Serves ``zone`` on ``host`` (loopback) over UDP and TCP on one port until stop()."""

    def __init__(self, zone: dict[str, dict[str, Any]], host: str = "127.0.0.1", port: int = 0,
                 ttl: int = 60) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"tests answer DNS on loopback only, not {host!r}")
        self.host = host
        self.port = port
        self.ttl = ttl
        self.queries: list[tuple[str, str, str]] = []  # (name, type, "udp"|"tcp"), in order
        self._zone = _compile_zone(zone)
        self._lock = threading.Lock()
        self._family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._wake_r, self._wake_w = socket.socketpair()
        self._threads: list[threading.Thread] = []
        self._tcp_slots = threading.BoundedSemaphore(MAX_TCP_CONNECTIONS)
        self._stopping = threading.Event()

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "DnsResponder":
        self._bind()
        thread = threading.Thread(target=self._serve, name="dns-responder", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        for thread in self._threads:
            thread.join(timeout=5)
        for sock in (self._udp, self._tcp, self._wake_r, self._wake_w):
            if sock is not None:
                sock.close()

    def __enter__(self) -> "DnsResponder":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def server(self) -> str:
        """The "ip:port" ("[ipv6]:port") to configure as the DNS server."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def set_zone(self, zone: dict[str, dict[str, Any]]) -> None:
        """Replaces every record; later questions see the new zone."""
        compiled = _compile_zone(zone)
        with self._lock:
            self._zone = compiled

    def clear_queries(self) -> None:
        with self._lock:
            self.queries.clear()

    # -- serving ---------------------------------------------------------------------------
    def _bind(self) -> None:
        last_error: OSError | None = None
        for _ in range(BIND_ATTEMPTS if self.port == 0 else 1):
            udp = socket.socket(self._family, socket.SOCK_DGRAM)
            tcp = socket.socket(self._family, socket.SOCK_STREAM)
            try:
                udp.bind((self.host, self.port))
                port = udp.getsockname()[1]
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((self.host, port))
                tcp.listen(MAX_TCP_CONNECTIONS)
            except OSError as exc:  # the TCP side of that port is taken: try another
                udp.close()
                tcp.close()
                last_error = exc
                continue
            self._udp, self._tcp, self.port = udp, tcp, port
            return
        raise OSError(f"cannot bind UDP and TCP on one port of {self.host}: {last_error}")

    def _serve(self) -> None:
        assert self._udp is not None and self._tcp is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._udp, selectors.EVENT_READ, "udp")
            selector.register(self._tcp, selectors.EVENT_READ, "tcp")
            selector.register(self._wake_r, selectors.EVENT_READ, "wake")
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=1.0):
                    if key.data == "udp":
                        self._handle_udp()
                    elif key.data == "tcp":
                        self._accept_tcp()

    def _handle_udp(self) -> None:
        try:
            data, peer = self._udp.recvfrom(MAX_QUERY_BYTES)
        except OSError:
            return
        reply = self._answer(data, "udp", tcp=False)
        if reply is not None:
            try:
                self._udp.sendto(reply, peer)
            except OSError:
                pass

    def _accept_tcp(self) -> None:
        try:
            conn, _ = self._tcp.accept()
        except OSError:
            return
        if not self._tcp_slots.acquire(blocking=False):
            conn.close()
            return
        thread = threading.Thread(target=self._serve_tcp, args=(conn,), daemon=True)
        thread.start()

    def _serve_tcp(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(TCP_IDLE_TIMEOUT)
            while not self._stopping.is_set():
                header = _recv_exactly(conn, 2)
                if header is None:
                    return
                (length,) = struct.unpack("!H", header)
                if length > MAX_QUERY_BYTES:
                    return
                data = _recv_exactly(conn, length)
                if data is None:
                    return
                reply = self._answer(data, "tcp", tcp=True)
                if reply is not None:
                    conn.sendall(struct.pack("!H", len(reply)) + reply)
        except OSError:
            return
        finally:
            conn.close()
            self._tcp_slots.release()

    def _answer(self, data: bytes, transport: str, tcp: bool) -> bytes | None:
        parsed = _parse_query(data)
        if parsed is None:
            if len(data) >= 12 and not data[2] & 0x80:  # a malformed query: FORMERR, no question
                qid, flags = struct.unpack("!HH", data[:4])
                return struct.pack("!6H", qid, 0x8000 | (flags & 0x0100) | RCODES["FORMERR"],
                                   0, 0, 0, 0)
            return None
        qid, flags, question, name, qtype, udp_size = parsed
        key = _normalize(name)
        with self._lock:
            self.queries.append((key, TYPE_NAMES.get(qtype, str(qtype)), transport))
            node = self._zone.get(key)
        limit = 65535 if tcp else udp_size
        if (flags >> 11) & 0xF != 0:
            return _response(qid, flags, question, RCODES["NOTIMP"], (), self.ttl, limit)
        if node is None:
            return _response(qid, flags, question, RCODES["NXDOMAIN"], (), self.ttl, limit)
        if node["drop"]:
            return None
        if node["rcode"] is not None:
            return _response(qid, flags, question, node["rcode"], (), self.ttl, limit)
        answers = [(qtype, rdata) for rdata in node["records"].get(qtype, [])]
        return _response(qid, flags, question, 0, answers, self.ttl, limit)


def _recv_exactly(conn: socket.socket, count: int) -> bytes | None:
    data = bytearray()
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zone", required=True, help="JSON file: name -> {type: [records]}")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to serve on")
    parser.add_argument("--port", type=int, default=0, help="port (0: a free one)")
    parser.add_argument("--until-stdin-closes", action="store_true",
                        help="exit when standard input reaches its end (the parent went away)")
    args = parser.parse_args(argv)
    with open(args.zone, encoding="utf-8") as f:
        zone = json.load(f)
    responder = DnsResponder(zone, host=args.host, port=args.port).start()
    done = threading.Event()
    for signo in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signo, lambda *_: done.set())
    if args.until_stdin_closes:
        def watch_stdin() -> None:
            while os.read(sys.stdin.fileno(), 4096):
                pass
            done.set()
        threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY {responder.port}", flush=True)
    while not done.wait(0.5):
        pass
    responder.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
