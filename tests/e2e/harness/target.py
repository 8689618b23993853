"""Which server the suites run against, and what differs between them.

E2E_TARGET=keyfed (default) runs the suites against the built keyfed; E2E_TARGET=prosody runs
the same tests against Prosody 0.12 to validate them: a test that passes on a mature server
probably reads the RFC right. Where Prosody knowingly differs from what RFC 6120 mandates, the
difference is listed here (and in docs/testing.md) instead of weakening the assertion for
keyfed.
"""

from __future__ import annotations

import os

from .keyfed_server import KeyfedServer
from .process import ServerProcess
from .toml_writer import deep_merge
from .prosody_server import ProsodyServer

DEFAULT_DOMAIN = "e2e.test"

# Features keyfed must have (issue #4) that Prosody 0.12 lacks: tests needing them are skipped
# on Prosody, with the reason.
PROSODY_LACKS = {
    "SCRAM-SHA-256": "mod_auth_internal_hashed stores SCRAM-SHA-1 keys only, so Prosody 0.12 "
                     "does not offer SCRAM-SHA-256",
    "tls-exporter": "Prosody 0.12 implements only the tls-unique channel binding "
                    "(no XEP-0440 advertisement)",
    "not-authorized-before-auth": "Prosody 0.12 silently drops stanzas sent before "
                                  "authentication instead of <not-authorized/> (RFC 6120 "
                                  "4.9.3.20)",
    "unsupported-version": "Prosody 0.12 accepts a stream header with version='2.0' instead of "
                           "<unsupported-version/> (RFC 6120 4.9.3.25)",
    "depth-limit": "Prosody 0.12 limits stanza size, not element depth",
    "pre-approval": "Prosody 0.12 does not support subscription pre-approval (RFC 6121 3.4)",
    "reliable-system-shutdown": "on SIGTERM right after a session's last stanza Prosody 0.12 "
                                "sometimes closes TLS before its <system-shutdown/> is written "
                                "(seen with strace: only the close_notify alert goes out)",
    "keyfedctl": "keyfedctl is keyfed's admin tool",
    "check-config": "keyfed --check-config is keyfed's",
    "idle-timeout": "Prosody 0.12 has no idle timeout for authenticated c2s sessions",
    "auth-throttling": "Prosody 0.12 has no per-IP failed-authentication throttling by default",
}

# RFC 6120 stream error condition -> what Prosody 0.12 sends instead.
PROSODY_STREAM_ERRORS = {
    # RFC 6120 11.1: DTDs, comments, processing instructions -> <restricted-xml/>.
    "restricted-xml": {"not-well-formed"},
    # RFC 6120 4.9.3.22 / 11.6: bytes that are not UTF-8 -> <unsupported-encoding/>.
    "unsupported-encoding": {"not-well-formed"},
}


# Test servers allow many failed logins per IP: the suites fail logins on purpose, all from
# 127.0.0.1, and must not throttle each other. The throttling test sets its own limit.
KEYFED_TEST_DEFAULTS = {"limits": {"auth_failures": 1000}}


def target_kind() -> str:
    kind = os.environ.get("E2E_TARGET", "keyfed").strip().lower()
    if kind not in ("keyfed", "prosody"):
        raise ValueError(f"E2E_TARGET must be keyfed or prosody, not {kind!r}")
    return kind


def make_server(kind: str | None = None, *, domains: tuple[str, ...] = (DEFAULT_DOMAIN,),
                users: dict[str, str] | None = None, allow_registration: bool = True,
                listeners: tuple[str, ...] = ("c2s", "c2s_direct_tls"),
                keyfed_config: dict | None = None,
                prosody_options: dict | None = None) -> ServerProcess:
    """A server fixture (not started) of the target kind with the same shape either way."""
    kind = kind or target_kind()
    if kind == "prosody":
        return ProsodyServer(domains, users=users, allow_registration=allow_registration,
                             listeners=listeners, options=prosody_options)
    config = deep_merge(KEYFED_TEST_DEFAULTS, keyfed_config or {})
    return KeyfedServer(domains, users=users, allow_registration=allow_registration,
                        listeners=listeners, config=config)


def lacks(feature: str, kind: str | None = None) -> str | None:
    """Why the target lacks ``feature`` (a reason to skip), or None."""
    if (kind or target_kind()) == "prosody":
        return PROSODY_LACKS.get(feature)
    return None


def accepted_stream_errors(rfc_condition: str, kind: str | None = None) -> set[str]:
    """The stream error conditions a test accepts where RFC 6120 mandates ``rfc_condition``."""
    if (kind or target_kind()) == "prosody":
        return PROSODY_STREAM_ERRORS.get(rfc_condition, {rfc_condition})
    return {rfc_condition}
