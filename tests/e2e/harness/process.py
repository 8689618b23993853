"""What every server fixture shares: free loopback ports, a child process with its output in a
log file, waiting (bounded) until it listens, and stopping it (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 20.0  # seconds until every listener accepts TCP
STOP_TIMEOUT = 5.0  # seconds between SIGTERM and SIGKILL


class ServerError(RuntimeError):
    """The server did not start or died; the message includes the tail of its log."""


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """``count`` distinct ports that were free on ``host`` a moment ago.

    All sockets stay bound until every port is chosen, so the ports are distinct; another
    process may still take one before the server binds it (the fixtures retry once).
    """
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def assign_ports(names: tuple[str, ...], fixed: dict[str, int]) -> dict[str, int]:
    """Listener name -> port: ``fixed`` where given (e.g. agreed with a peer in advance), a
    free loopback port otherwise."""
    unknown = [name for name in fixed if name not in names]
    if unknown:
        raise ValueError(f"fixed ports for listeners that are not configured: {unknown}")
    free = iter(free_ports(len(names) - len(fixed)))
    return {name: fixed[name] if name in fixed else next(free) for name in names}


def accepts_tcp(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except FileNotFoundError:
        return ""


def tail(text: str, lines: int = 200) -> str:
    return "\n".join(text.splitlines()[-lines:])


class ServerProcess:
    """Base of the fixtures: a temporary directory, a child process and its log.

    Subclasses fill ``listeners`` (name -> port), implement ``_write_config()`` and
    ``_command()``, and may override ``log_text()`` when the server logs elsewhere.
    """

    kind = "server"

    def __init__(self, *, domain: str, keep_tmp: bool | None = None) -> None:
        self.domain = domain
        self.host = LOOPBACK
        self.listeners: dict[str, int] = {}
        self.keep_tmp = os.environ.get("E2E_KEEP_TMP") == "1" if keep_tmp is None else keep_tmp
        self.tmp = Path(tempfile.mkdtemp(prefix=f"keyfed-e2e-{self.kind}-"))
        self.console_log = self.tmp / "console.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self._final_log: str | None = None  # kept when the directory is removed
        self._started_once = False

    # --- to be provided by subclasses -------------------------------------------------------
    def _prepare(self) -> None:
        raise NotImplementedError

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _environment(self) -> dict[str, str]:
        return dict(os.environ)

    def _after_start(self) -> None:
        """Runs when every listener first accepts TCP (e.g. to add users); not on restarts,
        where the data directory already has them."""

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> "ServerProcess":
        """Writes the config, starts the server and waits until every listener accepts TCP.

        A port taken by another process between choosing and binding is retried once with new
        ports.
        """
        for attempt in range(2):
            self._prepare()
            try:
                self._spawn_and_wait()
                break
            except ServerError:
                log = self.log_text()
                self._kill()
                if attempt == 0 and "in use" in log.lower():
                    self._rotate_logs()
                    continue
                raise
        if not self._started_once:
            self._started_once = True
            self._after_start()
        return self

    def _spawn_and_wait(self) -> None:
        with open(self.console_log, "ab") as out:
            self.proc = subprocess.Popen(self._command(), stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, env=self._environment(),
                                         cwd=self.tmp, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        pending = dict(self.listeners)
        while pending:
            if self.proc.poll() is not None:
                self.returncode = self.proc.returncode
                raise ServerError(f"{self.kind} exited with {self.proc.returncode} during start:\n"
                                  f"{tail(self.log_text())}")
            if time.monotonic() > deadline:
                raise ServerError(f"{self.kind} did not listen on {sorted(pending)} within "
                                  f"{START_TIMEOUT:.0f} s:\n{tail(self.log_text())}")
            for name, port in list(pending.items()):
                if accepts_tcp(self.host, port):
                    del pending[name]
            if pending:
                time.sleep(0.05)

    def _rotate_logs(self) -> None:
        if self.console_log.exists():
            self.console_log.rename(self.console_log.with_suffix(".failed-start"))

    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        """SIGTERM, up to STOP_TIMEOUT seconds for a graceful exit, then SIGKILL.

        Returns the exit code (negative: killed by that signal); also kept in ``returncode``.
        """
        if self.proc is None:
            return self.returncode
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._kill()
        self.returncode = self.proc.returncode
        self.proc = None
        return self.returncode

    def kill(self) -> int | None:
        """SIGKILL, as a crash or power loss would end it (for durability tests)."""
        self._kill()
        self.proc = None
        return self.returncode

    def restart(self) -> "ServerProcess":
        """Stops (if running) and starts again on the same data, with fresh ports."""
        self.stop()
        return self.start()

    def _kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        if self.proc is not None:
            self.returncode = self.proc.returncode

    def cleanup(self) -> None:
        """Stops the server and removes the temporary directory (unless E2E_KEEP_TMP=1)."""
        self.stop()
        if self.keep_tmp:
            print(f"{self.kind}: files kept in {self.tmp}", file=sys.stderr)
        elif self.tmp.exists():
            self._final_log = self.log_text()  # a failing test prints it after cleanup
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> "ServerProcess":
        try:
            return self.start()
        except BaseException:
            self.cleanup()
            raise

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.dump_log()
        self.cleanup()

    # --- inspection -------------------------------------------------------------------------
    def log_text(self) -> str:
        """Everything the server logged so far (also after cleanup)."""
        if self._final_log is not None and not self.tmp.exists():
            return self._final_log
        return "\n".join(text for text in (_read(p) for p in self.log_files()) if text)

    def log_files(self) -> list[Path]:
        """Where the server writes its log; subclasses add their own files."""
        return [self.console_log]

    def dump_log(self, lines: int = 300, stream=None) -> None:
        stream = stream or sys.stderr
        print(f"----- {self.kind} log ({self.tmp}), last {lines} lines -----", file=stream)
        print(tail(self.log_text(), lines), file=stream)
        print(f"----- end of {self.kind} log -----", file=stream)

    @property
    def c2s_port(self) -> int:
        return self.listeners["c2s"]

    @property
    def c2s_direct_tls_port(self) -> int:
        return self.listeners["c2s_direct_tls"]

    @property
    def s2s_port(self) -> int:
        return self.listeners["s2s"]
