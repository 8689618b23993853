"""A SCRAM client (RFC 5802, RFC 7677) with channel binding, for raw-socket tests.

slixmpp 1.8 only knows the tls-unique channel binding (TLS 1.2); XMPP servers today use
tls-exporter (RFC 9266, XEP-0440), which Python 3.11's ssl module cannot export. This module
computes it through libssl (the library Python's _ssl is linked against) with ctypes, after
checking that it found the right SSL object; when the check fails the caller gets
``ChannelBindingUnavailable`` and the test is skipped rather than faked.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import hashlib
import hmac
import secrets
import ssl

HASHES = {"SHA-1": "sha1", "SHA-256": "sha256", "SHA-512": "sha512"}
TLS_EXPORTER_LABEL = b"EXPORTER-Channel-Binding"


class ScramError(Exception):
    """The server's SCRAM messages were malformed or its signature was wrong."""


class ChannelBindingUnavailable(Exception):
    """This Python cannot compute the requested channel binding."""


def _libssl():
    name = ctypes.util.find_library("ssl")
    if not name:
        raise ChannelBindingUnavailable("libssl not found")
    lib = ctypes.CDLL(name)
    lib.SSL_export_keying_material.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    lib.SSL_export_keying_material.restype = ctypes.c_int
    lib.SSL_get_fd.argtypes = [ctypes.c_void_p]
    lib.SSL_get_fd.restype = ctypes.c_int
    lib.SSL_get_version.argtypes = [ctypes.c_void_p]
    lib.SSL_get_version.restype = ctypes.c_char_p
    return lib


def _ssl_pointer(sock: ssl.SSLSocket, lib) -> int:
    # CPython 3.11's PySSLSocket: PyObject_HEAD, PyObject *Socket, SSL *ssl, ...
    obj = sock._sslobj  # pylint: disable=protected-access
    if obj is None:
        raise ChannelBindingUnavailable("TLS not established")
    head = ctypes.sizeof(ctypes.c_ssize_t) + ctypes.sizeof(ctypes.c_void_p)
    pointer = ctypes.c_void_p.from_address(id(obj) + head + ctypes.sizeof(ctypes.c_void_p)).value
    if not pointer:
        raise ChannelBindingUnavailable("no SSL object")
    # Both checks must agree before we trust the pointer.
    if lib.SSL_get_fd(pointer) != sock.fileno():
        raise ChannelBindingUnavailable("SSL object does not match the socket")
    version = lib.SSL_get_version(pointer)
    if version is None or version.decode() != sock.version():
        raise ChannelBindingUnavailable("SSL object does not match the TLS version")
    return pointer


def tls_exporter(sock: ssl.SSLSocket) -> bytes:
    """RFC 9266 tls-exporter channel binding data: 32 bytes, label EXPORTER-Channel-Binding,
    no context."""
    lib = _libssl()
    pointer = _ssl_pointer(sock, lib)
    out = ctypes.create_string_buffer(32)
    if lib.SSL_export_keying_material(pointer, out, 32, TLS_EXPORTER_LABEL,
                                      len(TLS_EXPORTER_LABEL), None, 0, 0) != 1:
        raise ChannelBindingUnavailable("SSL_export_keying_material failed")
    return out.raw


def channel_binding_data(sock, cb_type: str) -> bytes:
    if not isinstance(sock, ssl.SSLSocket):
        raise ChannelBindingUnavailable("no TLS")
    if cb_type == "tls-exporter":
        return tls_exporter(sock)
    if cb_type == "tls-unique":
        data = sock.get_channel_binding("tls-unique")
        if data is None:
            raise ChannelBindingUnavailable("tls-unique is undefined for TLS 1.3")
        return data
    raise ChannelBindingUnavailable(f"unknown channel binding {cb_type}")


def _saslname(name: str) -> str:
    return name.replace("=", "=3D").replace(",", "=2C")


def _parse(message: bytes) -> dict[str, str]:
    try:
        text = message.decode("utf-8")
        return dict(part.split("=", 1) for part in text.split(","))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ScramError(f"malformed SCRAM message {message!r}") from exc


class ScramClient:
    """One SCRAM exchange. ``mechanism`` like "SCRAM-SHA-256-PLUS".

    ``cb_flag``: None picks "p=<cb_type>" for -PLUS and "n" otherwise; tests of downgrade
    protection set "y" (client supports binding but thinks the server does not).
    ``cb_data``: override the binding data (a test of a server that must reject a wrong one).
    """

    def __init__(self, mechanism: str, username: str, password: str, *,
                 cb_type: str = "tls-exporter", cb_data: bytes | None = None,
                 cb_flag: str | None = None, authzid: str = "") -> None:
        plus = mechanism.endswith("-PLUS")
        hash_name = mechanism.removeprefix("SCRAM-").removesuffix("-PLUS")
        if hash_name not in HASHES:
            raise ValueError(f"unsupported mechanism {mechanism}")
        self.mechanism = mechanism
        self.digest = HASHES[hash_name]
        self.username = username
        self.password = password
        self.cb_type = cb_type
        self.cb_data = cb_data if cb_data is not None else b""
        if cb_flag is None:
            cb_flag = f"p={cb_type}" if plus else "n"
        authz = f"a={_saslname(authzid)}" if authzid else ""
        self.gs2_header = f"{cb_flag},{authz},".encode()
        self.nonce = base64.b64encode(secrets.token_bytes(18)).decode()
        self.first_bare = f"n={_saslname(username)},r={self.nonce}".encode()
        self.server_signature = b""

    def first(self) -> bytes:
        return self.gs2_header + self.first_bare

    def final(self, server_first: bytes) -> bytes:
        fields = _parse(server_first)
        if "m" in fields:
            raise ScramError("server sent a mandatory extension")
        try:
            nonce, salt = fields["r"], base64.b64decode(fields["s"], validate=True)
            iterations = int(fields["i"])
        except (KeyError, ValueError) as exc:
            raise ScramError(f"server-first-message incomplete: {server_first!r}") from exc
        if not nonce.startswith(self.nonce) or len(nonce) <= len(self.nonce):
            raise ScramError("server nonce does not extend the client nonce")
        if not 1 <= iterations <= 10_000_000:
            raise ScramError(f"unreasonable iteration count {iterations}")
        cbind = base64.b64encode(self.gs2_header + self.cb_data).decode()
        without_proof = f"c={cbind},r={nonce}".encode()
        salted = hashlib.pbkdf2_hmac(self.digest, self.password.encode(), salt, iterations)
        client_key = hmac.digest(salted, b"Client Key", self.digest)
        stored_key = hashlib.new(self.digest, client_key).digest()
        auth_message = self.first_bare + b"," + server_first + b"," + without_proof
        signature = hmac.digest(stored_key, auth_message, self.digest)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.digest(salted, b"Server Key", self.digest)
        self.server_signature = hmac.digest(server_key, auth_message, self.digest)
        return without_proof + b",p=" + base64.b64encode(proof)

    def verify(self, server_final: bytes) -> None:
        fields = _parse(server_final)
        if "e" in fields:
            raise ScramError(f"server error {fields['e']}")
        try:
            signature = base64.b64decode(fields["v"], validate=True)
        except (KeyError, ValueError) as exc:
            raise ScramError(f"server-final-message without verifier: {server_final!r}") from exc
        if not hmac.compare_digest(signature, self.server_signature):
            raise ScramError("server signature mismatch: the server does not know the password")


__all__ = ["ScramClient", "ScramError", "ChannelBindingUnavailable", "channel_binding_data",
           "tls_exporter"]
