"""A real Prosody 0.12 (Debian's /usr/bin/prosody) as a test peer or as the reference server
that the c2s suite is validated against.

Everything lives in a private temporary directory: config file, data, pid file, log,
certificates from the test CA. Listeners bind 127.0.0.1 on free ports. Prosody runs in the
foreground (``-F``; the ``daemonize`` option is deprecated in 0.12) and is stopped with SIGTERM.
Users are added with ``prosodyctl --config FILE register``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .process import ServerError, ServerProcess, assign_ports
from .test_ca import TestCA, shared_ca

PROSODY = os.environ.get("PROSODY_BIN", "/usr/bin/prosody")
PROSODYCTL = os.environ.get("PROSODYCTL_BIN", "/usr/bin/prosodyctl")
PLUGIN_DIR = Path(__file__).resolve().parent / "prosody_plugins"

# What a typical public server loads, plus what the c2s suite exercises.
DEFAULT_MODULES = (
    "roster", "saslauth", "tls", "dialback", "disco", "private", "vcard_legacy", "version",
    "uptime", "time", "ping", "register", "blocklist", "offline", "carbons", "pep",
    "e2e_static_s2s",
)


def lua(value) -> str:
    """A Python value as a Lua literal (str, bool, int, list/tuple, dict with str keys)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (str, Path)):
        text = str(value)
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "{ " + "; ".join(lua(item) for item in value) + " }"
    if isinstance(value, dict):
        return "{ " + "; ".join(f"[{lua(k)}] = {lua(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no Lua literal for {value!r}")


class ProsodyServer(ServerProcess):
    """Prosody on free loopback ports.

    ``domains``: virtual hosts (the first is ``domain``); ``users``: {"user@domain": password}
    registered once Prosody listens; ``listeners``: any of c2s, c2s_direct_tls, s2s;
    ``s2s_routes``: {"domain": ("127.0.0.1", port)} for outgoing federation without DNS;
    ``ports``: {listener: port} fixed in advance (so two servers can know each other's);
    ``options``: extra global options (Python values, written as Lua).
    """

    kind = "prosody"

    def __init__(self, domains: tuple[str, ...] | list[str] = ("prosody.test",), *,
                 users: dict[str, str] | None = None, allow_registration: bool = True,
                 listeners: tuple[str, ...] = ("c2s", "c2s_direct_tls", "s2s"),
                 modules: tuple[str, ...] = DEFAULT_MODULES, s2s_secure_auth: bool = True,
                 s2s_routes: dict[str, tuple[str, int]] | None = None,
                 ports: dict[str, int] | None = None,
                 options: dict | None = None, ca: TestCA | None = None,
                 keep_tmp: bool | None = None) -> None:
        domains = list(domains)
        super().__init__(domain=domains[0], keep_tmp=keep_tmp)
        self.domains = domains
        self.users = dict(users or {})
        self.allow_registration = allow_registration
        self.listener_types = tuple(listeners)
        self.modules = tuple(modules)
        self.s2s_secure_auth = s2s_secure_auth
        self.s2s_routes = dict(s2s_routes or {})
        self.fixed_ports = dict(ports or {})
        self.options = dict(options or {})
        self.ca = ca or shared_ca()
        self.ca_file = self.ca.cert
        self.config_file = self.tmp / "prosody.cfg.lua"
        self.data_dir = self.tmp / "data"
        self.log_file = self.tmp / "prosody.log"
        self.certs: dict[str, tuple[Path, Path]] = {}

    def _prepare(self) -> None:
        self.data_dir.mkdir(mode=0o700, exist_ok=True)
        for domain in self.domains:
            if domain not in self.certs:
                files = self.ca.issue(domain, client_auth=True)
                self.certs[domain] = self.ca.install(files, self.tmp / "certs", domain)
        self.listeners = assign_ports(self.listener_types, self.fixed_ports)
        self.config_file.write_text(self._config_text())

    def _config_text(self) -> str:
        port_options = {"c2s": "c2s_ports", "c2s_direct_tls": "c2s_direct_tls_ports",
                        "s2s": "s2s_ports"}
        settings: dict = {
            "pidfile": self.tmp / "prosody.pid",
            "data_path": self.data_dir,
            "plugin_paths": [PLUGIN_DIR],
            "interfaces": [self.host],
            "local_interfaces": [self.host],
            "c2s_ports": [],
            "c2s_direct_tls_ports": [],
            "s2s_ports": [],
            "http_ports": [],
            "https_ports": [],
            "modules_enabled": list(self.modules),
            "allow_registration": self.allow_registration,
            "c2s_require_encryption": True,
            "s2s_require_encryption": True,
            "s2s_secure_auth": self.s2s_secure_auth,
            "authentication": "internal_hashed",
            "storage": "internal",
            "certificates": self.tmp / "certs",
            "ssl": {"cafile": self.ca_file, "protocol": "tlsv1_2+"},
            "e2e_s2s_routes": {d: [h, p] for d, (h, p) in self.s2s_routes.items()},
            # Registration throttling would make tests that register several accounts flaky.
            "min_seconds_between_registrations": 0,
        }
        if os.getuid() == 0:
            settings["run_as_root"] = True  # containers and CI often run as root
        for name, port in self.listeners.items():
            settings[port_options[name]] = [port]
        settings.update(self.options)
        lines = ["-- written by tests/e2e/harness/prosody_server.py"]
        lines += [f"{key} = {lua(value)}" for key, value in settings.items()]
        lines.append("log = { { levels = { min = \"debug\" }, to = \"file\", "
                     f"filename = {lua(self.log_file)} }} }}")
        for domain in self.domains:
            crt, key = self.certs[domain]
            ssl = {"certificate": crt, "key": key, "cafile": self.ca_file}
            lines.append(f"VirtualHost {lua(domain)}")
            lines.append(f"\tssl = {lua(ssl)}")
        return "\n".join(lines) + "\n"

    def _command(self) -> list[str]:
        return [PROSODY, "--config", str(self.config_file), "-F"]

    def _after_start(self) -> None:
        for jid, password in self.users.items():
            self.add_user(jid, password)

    def _rotate_logs(self) -> None:
        super()._rotate_logs()
        if self.log_file.exists():
            self.log_file.rename(self.log_file.with_suffix(".failed-start"))

    def add_user(self, jid: str, password: str) -> None:
        """Registers ``user@domain`` with prosodyctl (works while Prosody runs)."""
        user, _, domain = jid.partition("@")
        if not user or not domain:
            raise ValueError(f"expected user@domain, not {jid!r}")
        proc = subprocess.run([PROSODYCTL, "--config", str(self.config_file), "register", user,
                               domain, password], capture_output=True, text=True, timeout=30,
                              check=False, cwd=self.tmp, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise ServerError(f"prosodyctl register {jid}: exit {proc.returncode}: "
                              f"{proc.stdout}{proc.stderr}")

    def log_files(self) -> list[Path]:
        return [self.console_log, self.log_file]


def prosody_available() -> bool:
    return shutil.which(PROSODY) is not None and shutil.which(PROSODYCTL) is not None
