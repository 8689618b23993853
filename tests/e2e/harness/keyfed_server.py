"""The keyfed server under test, started from the built binary.

The binary comes from KEYFED_BIN and the admin tool from KEYFED_CTL (ctest sets both from the
build). The fixture writes a config following docs/config.md into a temporary directory:
defaults below, deep-merged with the test's overrides; relative paths in it are relative to that
directory, as keyfed resolves them relative to the config file.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from . import toml_writer
from .process import ServerError, ServerProcess, assign_ports, tail
from .test_ca import TestCA, shared_ca

LISTENER_TYPES = ("c2s", "c2s_direct_tls", "s2s", "s2s_direct_tls", "https", "component")


def keyfed_binary() -> str:
    return os.environ.get("KEYFED_BIN", "")


def keyfedctl_binary() -> str:
    return os.environ.get("KEYFED_CTL", "")


def keyfed_available() -> bool:
    binary = keyfed_binary()
    return bool(binary) and os.access(binary, os.X_OK)


class KeyfedServer(ServerProcess):
    """keyfed on free loopback ports.

    ``domains``: virtual hosts (certificates from the test CA); ``users``: {"user@domain":
    password} added with keyfedctl once the server listens; ``listeners``: types from
    docs/config.md; ``allow_registration``: [c2s].allow_registration (on in tests, as the issue
    asks); ``config``: overrides deep-merged into the generated document (None removes a key);
    ``ports``: {listener: port} fixed in advance (e.g. agreed with a federation peer).
    ``host``: the loopback address to listen on (127.0.0.2 for a second federating server);
    ``certs``: {domain: CertFiles} replacing the test CA's good certificate for a domain
    (wrong name, expired, self-signed peers), or None for no certificate at all.
    """

    kind = "keyfed"

    def __init__(self, domains: tuple[str, ...] | list[str] = ("keyfed.test",), *,
                 users: dict[str, str] | None = None, allow_registration: bool = True,
                 listeners: tuple[str, ...] = ("c2s", "c2s_direct_tls"),
                 config: dict | None = None, ports: dict[str, int] | None = None,
                 ca: TestCA | None = None, host: str | None = None,
                 certs: dict | None = None,
                 check_config: bool = True, keep_tmp: bool | None = None) -> None:
        domains = list(domains)
        super().__init__(domain=domains[0], keep_tmp=keep_tmp)
        for listener in listeners:
            if listener not in LISTENER_TYPES:
                raise ValueError(f"unknown listener type {listener!r}")
        self.binary = keyfed_binary()
        self.ctl = keyfedctl_binary()
        if not self.binary:
            raise ServerError("KEYFED_BIN is not set (ctest sets it; see docs/testing.md)")
        self.domains = domains
        self.users = dict(users or {})
        self.allow_registration = allow_registration
        self.listener_types = tuple(listeners)
        self.overrides = dict(config or {})
        self.fixed_ports = dict(ports or {})
        self.ca = ca or shared_ca()
        self.ca_file = self.ca.cert
        self.check_config = check_config
        self.config_file = self.tmp / "keyfed.toml"
        self.data_dir = self.tmp / "data"
        self.config: dict = {}
        if host is not None:
            self.host = host
        self.cert_overrides = dict(certs or {})

    def default_config(self) -> dict:
        """The document before overrides (docs/config.md; paths relative to the config)."""
        hosts = [{"domain": d, "certificate": f"certs/{d}.crt", "key": f"certs/{d}.key"}
                 if self.cert_overrides.get(d, True) is not None else
                 {"domain": d, "certificate": "", "key": ""}
                 for d in self.domains]
        listeners = [{"type": t, "address": self.host, "port": self.listeners[t]}
                     for t in self.listener_types]
        return {
            "server": {"data_dir": "data", "log_level": "debug", "log_file": "",
                       "admin_socket": "data/keyfed.sock"},
            "storage": {"backend": "sqlite", "path": "keyfed.db"},
            "tls": {"min_version": "1.2", "ca_file": str(self.ca_file)},
            "c2s": {"require_tls": True, "allow_registration": self.allow_registration},
            "virtual_host": hosts,
            "listener": listeners,
        }

    def _prepare(self) -> None:
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        for domain in self.domains:
            files = self.cert_overrides.get(domain, True)
            if files is None:
                continue
            if files is True:
                files = self.ca.issue(domain, client_auth=True)
            self.ca.install(files, self.tmp / "certs", domain)
        self.listeners = assign_ports(self.listener_types, self.fixed_ports)
        self.config = toml_writer.deep_merge(self.default_config(), self.overrides)
        self.config_file.write_text(toml_writer.dumps(self.config))
        if self.check_config:
            proc = subprocess.run([self.binary, "--check-config", "--config",
                                   str(self.config_file)], capture_output=True, text=True,
                                  timeout=30, check=False, cwd=self.tmp)
            if proc.returncode != 0:
                raise ServerError(f"keyfed --check-config rejected the test config (exit "
                                  f"{proc.returncode}):\n{proc.stdout}{proc.stderr}\n"
                                  f"--- {self.config_file} ---\n"
                                  f"{self.config_file.read_text()}")

    def write_config(self) -> Path:
        """Writes certificates and the config (checked, unless check_config is off) without
        starting the server; returns the config path."""
        self._prepare()
        return self.config_file

    def _command(self) -> list[str]:
        return [self.binary, "--config", str(self.config_file)]

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # A sanitizer report must reach the log and fail the run, not vanish.
        env.setdefault("ASAN_OPTIONS", "abort_on_error=0:halt_on_error=1")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        return env

    def _after_start(self) -> None:
        for jid, password in self.users.items():
            self.add_user(jid, password)

    def ctl_run(self, *args: str, stdin: str = "",
                timeout: float = 30) -> subprocess.CompletedProcess:
        """Runs ``keyfedctl --config FILE ARGS...`` (stdin given) and returns the result."""
        if not self.ctl:
            raise ServerError("KEYFED_CTL is not set (ctest sets it; see docs/testing.md)")
        return subprocess.run([self.ctl, "--config", str(self.config_file), *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout, check=False,
                              cwd=self.tmp, env=self._environment())

    def reconfigure(self, overrides: dict, *, via: str = "keyfedctl") -> None:
        """Deep-merges ``overrides`` into the config file and makes the running server re-read
        it: ``keyfedctl reload`` (via="keyfedctl") or SIGHUP (via="sighup")."""
        self.config = toml_writer.deep_merge(self.config, overrides)
        self.config_file.write_text(toml_writer.dumps(self.config))
        if via == "sighup":
            if self.proc is None:
                raise ServerError("the server is not running")
            self.proc.send_signal(signal.SIGHUP)
            return
        proc = self.ctl_run("reload")
        if proc.returncode != 0:
            raise ServerError(f"keyfedctl reload: exit {proc.returncode}: "
                              f"{proc.stdout}{proc.stderr}\n{tail(self.log_text(), 50)}")

    def add_user(self, jid: str, password: str) -> None:
        """``keyfedctl user add JID`` with the password on stdin (one line)."""
        proc = self.ctl_run("user", "add", jid, stdin=password + "\n")
        if proc.returncode != 0:
            raise ServerError(f"keyfedctl user add {jid}: exit {proc.returncode}: "
                              f"{proc.stdout}{proc.stderr}\n{tail(self.log_text(), 50)}")


def keyfedctl_available() -> bool:
    ctl = keyfedctl_binary()
    return bool(ctl) and os.access(ctl, os.X_OK)
