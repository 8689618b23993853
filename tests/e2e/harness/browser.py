"""Headless Chromium for the browser-side tests (tests/e2e/test_browser.py, docs/testing.md).

Two parts, both loopback only:

- ``PageServer``: a small HTTP server of the test's own (not keyfed's) that serves one test page,
  the Debian strophe.js next to it, and takes the page's reports (``POST /report``, one JSON
  object each) into a queue the test reads with a timeout.
- ``Chromium``: the Debian ``chromium`` binary, headless, with a throwaway profile directory,
  every host name mapped to 127.0.0.1 (``--host-resolver-rules``: the machine's resolver is never
  asked, nothing leaves loopback), background services off, and exactly one certificate trusted
  beyond the system store: the keyfed test server's, by the SHA-256 of its public key
  (``--ignore-certificate-errors-spki-list``; any other certificate still fails). The process
  runs in its own process group and is killed with it (SIGKILL) on every path: ``close()``,
  the context manager, or interpreter exit.

Why not Selenium/chromedriver: the page reports its own progress over HTTP, so the test needs no
remote control of the browser at all, only its start and its end; one package and one moving
part fewer."""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STROPHE_JS = Path("/usr/share/javascript/strophe/strophe.js")  # Debian libjs-strophe
CHROMIUM = "chromium"  # Debian chromium (scripts/install-deps)
MAX_REPORT_BYTES = 64 * 1024
START_TIMEOUT = 30.0


def spki_sha256(certificate: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of the first certificate in ``certificate``: the form
    Chromium's --ignore-certificate-errors-spki-list takes."""
    pubkey = subprocess.run(["openssl", "x509", "-in", str(certificate), "-noout", "-pubkey"],
                            capture_output=True, check=True, timeout=30).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pubkey,
                         capture_output=True, check=True, timeout=30).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


class PageServer:
    """Serves ``page`` at /, strophe.js at /strophe.js; reports land in ``reports``."""

    def __init__(self, page: str) -> None:
        self.reports: queue.Queue[dict] = queue.Queue()
        strophe = STROPHE_JS.read_bytes()
        body = page.encode()
        reports = self.reports

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                if self.path == "/":
                    self._answer(200, "text/html; charset=utf-8", body)
                elif self.path == "/strophe.js":
                    self._answer(200, "application/javascript", strophe)
                else:
                    self._answer(404, "text/plain", b"not found")

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length") or 0)
                if self.path != "/report" or not 0 < length <= MAX_REPORT_BYTES:
                    self._answer(400, "text/plain", b"bad report")
                    return
                try:
                    reports.put(json.loads(self.rfile.read(length)))
                except ValueError:
                    self._answer(400, "text/plain", b"not JSON")
                    return
                self._answer(204, "text/plain", b"")

            def _answer(self, status: int, content_type: str, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                self.send_header("cache-control", "no-store")
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:  # the test prints what matters itself
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    def next_report(self, timeout: float) -> dict:
        """The page's next report; AssertionError when none comes within ``timeout``."""
        try:
            return self.reports.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"the page reported nothing within {timeout} s") from None

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


class Chromium:
    """One headless Chromium showing ``url``; see the module docstring for the sandboxing."""

    def __init__(self, url: str, *, trusted_spki: str) -> None:
        binary = shutil.which(CHROMIUM)
        if binary is None:
            raise RuntimeError("chromium is not installed: run scripts/install-deps")
        self.profile = Path(tempfile.mkdtemp(prefix="keyfed-chromium-"))
        self.log_file = self.profile / "chromium.log"
        args = [
            binary, "--headless", f"--user-data-dir={self.profile}",
            "--host-resolver-rules=MAP * 127.0.0.1",
            f"--ignore-certificate-errors-spki-list={trusted_spki}",
            "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-features=Translate,MediaRouter,OptimizationHints",
            "--enable-logging=stderr", "--v=0",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
        args.append(url)
        self._log = self.log_file.open("wb")
        self.process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True,
                                        env={**os.environ, "HOME": str(self.profile)})
        atexit.register(self.close)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def close(self) -> None:
        """Kills the browser's whole process group (renderers, GPU, zygote) and removes the
        profile. Safe to call more than once."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        # Children that outlived the leader are in the same group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if not self._log.closed:
            self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
