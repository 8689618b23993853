"""The FAC agent's HTTPS transport (issue 6, docs/fac-protocol.md "HTTPS", docs/http.md):
target.test (127.0.40.1) serves POST /fac/request on an https listener with its test-CA
certificate; requests are signed by `keyfedctl fac request` with the paper's III.B key and credential
(examples/paper/make-credentials.sh) and POSTed with Python's http.client over TLS, the
certificate checked against the test CA for target.test (SNI), or by keyfedctl itself (--https).

Each test talks from its own 127.0.0.x source address, so the per-address rate limit of one test
does not touch another."""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness.keyfed_server import KeyfedServer, keyfed_available, keyfedctl_available

HOST = "127.0.40.1"
ROOT = Path(__file__).resolve().parents[2]
KEYNOTE = os.environ.get("KEYNOTE", "")
BURST = 5


class TargetConnection(http.client.HTTPSConnection):
    """HTTPS to target.test's address from a chosen source address, the certificate checked for
    the name target.test (SNI), not for the address."""

    def __init__(self, port: int, source: str, context: ssl.SSLContext) -> None:
        super().__init__(HOST, port, timeout=10, source_address=(source, 0), context=context)
        self.tls_context = context

    def connect(self) -> None:
        raw = socket.create_connection((HOST, self.port), self.timeout, self.source_address)
        self.sock = self.tls_context.wrap_socket(raw, server_hostname="target.test")


@unittest.skipUnless(keyfed_available() and keyfedctl_available() and KEYNOTE,
                     "KEYFED_BIN/KEYFED_CTL/KEYNOTE not set (ctest sets them)")
class FacOverHttps(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="keyfed-fac-https-")
        cls.out = Path(cls.tmp.name)
        subprocess.run([str(ROOT / "examples/paper/make-credentials.sh"), str(cls.out)],
                       check=True, capture_output=True, timeout=120,
                       env=dict(os.environ, KEYNOTE=KEYNOTE))
        cls.server = KeyfedServer(
            ("target.test",), host=HOST, listeners=("c2s", "https"),
            config={"agent": {"enabled": True,
                              "policy_files": [str(cls.out / "whitelist.policy")],
                              "https_burst": BURST, "https_interval": 60},
                    "http": {"idle_timeout": 5}})
        cls.server.start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.cleanup()
        cls.tmp.cleanup()

    def run(self, result=None):
        before = len(result.failures) + len(result.errors) if result is not None else 0
        outcome = super().run(result)
        if result is not None and len(result.failures) + len(result.errors) > before:
            self.server.dump_log(lines=80)
        return outcome

    # --- helpers -------------------------------------------------------------------------------
    def signed(self, address: str = "127.0.40.55") -> str:
        proc = subprocess.run(
            [os.environ["KEYFED_CTL"], "fac", "request", "--key", str(self.out / "keys/KAlice.key"),
             "--credential", str(self.out / "targetadmin-to-alice.cred"),
             "--attr", "App_domain=XMPP", "--attr", "Request_Type=whitelist",
             "--attr", f"Server_IP_Address={address}", "--attr", "ValidityPeriod=600",
             "--target", "target.test"],
            capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.strip()

    def connect(self, source: str) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.server.ca_file))
        return TargetConnection(self.server.listeners["https"], source, context)

    def post(self, source: str, body: bytes | str, *,
             content_type: str = "application/json") -> tuple[int, dict]:
        conn = self.connect(source)
        try:
            conn.request("POST", "/fac/request", body=body,
                         headers={"Content-Type": content_type})
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()

    # --- the transport ------------------------------------------------------------------------
    def test_a_granted_request_whitelists_the_address_and_is_audited(self):
        status, answer = self.post("127.0.0.11", self.signed())
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["status"], "granted")
        self.assertEqual(answer["changes"][0]["spec"], {"address": "127.0.40.55"})
        self.assertIn("whitelist address=127.0.40.55", self.server.ctl_run("policy", "list").stdout)
        audit = json.loads(self.server.ctl_run("audit", "--request", answer["id"], "--json").stdout)
        records = audit if isinstance(audit, list) else audit["records"]
        self.assertEqual({r["peer"] for r in records}, {"https:127.0.0.11"})

    def test_keyfedctl_posts_the_request_itself(self):
        url = f"https://target.test:{self.server.listeners['https']}/fac/request"
        base = [os.environ["KEYFED_CTL"], "fac", "request",
                "--key", str(self.out / "keys/KAlice.key"),
                "--credential", str(self.out / "targetadmin-to-alice.cred"),
                "--attr", "App_domain=XMPP", "--attr", "Request_Type=whitelist",
                "--attr", "ValidityPeriod=600", "--target", "target.test",
                "--https", url, "--connect", HOST]
        granted = subprocess.run(base + ["--attr", "Server_IP_Address=127.0.40.55",
                                         "--ca", str(self.server.ca_file)],
                                 capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(granted.returncode, 0, granted.stdout + granted.stderr)
        self.assertEqual(json.loads(granted.stdout)["status"], "granted")
        # The server's certificate must chain to the CA given: the system store knows nothing
        # of the test CA, so nothing is sent.
        requests = self.server.ctl_run("audit", "--event", "request", "--limit", "1000").stdout
        untrusted = subprocess.run(base + ["--attr", "Server_IP_Address=127.0.40.55"],
                                   capture_output=True, text=True, timeout=30, check=False)
        self.assertEqual(untrusted.returncode, 1, untrusted.stdout + untrusted.stderr)
        self.assertEqual(
            self.server.ctl_run("audit", "--event", "request", "--limit", "1000").stdout, requests)

    def test_a_request_outside_the_policy_is_refused_with_an_explanation(self):
        status, answer = self.post("127.0.0.12", self.signed(address="127.0.40.99"))
        self.assertEqual(status, 403, answer)
        self.assertEqual(answer["status"], "refused")
        self.assertIn("127.0.40", answer["explanation"])

    def test_a_replayed_request_is_refused(self):
        body = self.signed()  # the credential allows 127.0.40.55 only
        first, _ = self.post("127.0.0.13", body)
        self.assertEqual(first, 200)
        status, answer = self.post("127.0.0.13", body)
        self.assertEqual(status, 409, answer)
        self.assertEqual(answer["error"]["code"], "fac.replay")

    def test_a_forged_signature_is_refused(self):
        forged = json.loads(self.signed())
        forged["attributes"]["Server_IP_Address"] = "127.0.40.57"
        status, answer = self.post("127.0.0.14", json.dumps(forged))
        self.assertEqual(status, 403, answer)
        self.assertEqual(answer["error"]["code"], "fac.bad-signature")

    def test_malformed_json_is_400(self):
        status, answer = self.post("127.0.0.15", b'{"version": 0, "target": ')
        self.assertEqual(status, 400, answer)
        self.assertEqual(answer["error"]["code"], "fac.malformed")
        status, answer = self.post("127.0.0.15", b"<request/>", content_type="text/xml")
        self.assertEqual(status, 415, answer)

    def test_an_oversize_body_is_413_before_it_is_read(self):
        conn = self.connect("127.0.0.16")
        # Announce 300 KiB (over the protocol's 256 KiB) and send none of it: the answer
        # must come from the header alone.
        conn.putrequest("POST", "/fac/request")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(300 * 1024))
        conn.endheaders()
        response = conn.getresponse()
        self.assertEqual(response.status, 413)
        self.assertEqual(json.loads(response.read())["error"]["code"], "http.body-too-large")
        self.assertEqual(response.getheader("Connection"), "close")
        conn.close()

    def test_too_many_requests_from_one_address_are_429(self):
        statuses = [self.post("127.0.0.17", b"{}")[0] for _ in range(BURST + 1)]
        self.assertEqual(statuses[:BURST], [400] * BURST)
        self.assertEqual(statuses[BURST], 429)
        # Another address is not affected.
        self.assertEqual(self.post("127.0.0.18", b"{}")[0], 400)

    def test_keep_alive_wrong_method_and_unknown_path(self):
        conn = self.connect("127.0.0.19")
        conn.request("GET", "/fac/request")
        first = conn.getresponse()
        self.assertEqual(first.status, 405)
        self.assertEqual(first.getheader("Allow"), "POST")
        first.read()
        conn.request("GET", "/nothing/here")  # same connection: kept alive
        second = conn.getresponse()
        self.assertEqual(second.status, 404)
        self.assertEqual(json.loads(second.read())["error"]["code"], "http.not-found")
        conn.close()

    def test_plain_http_on_the_tls_port_gets_nothing_and_the_server_survives(self):
        with socket.create_connection((HOST, self.server.listeners["https"]), 10,
                                      ("127.0.0.20", 0)) as raw:
            raw.sendall(b"POST /fac/request HTTP/1.1\r\nHost: target.test\r\n\r\n")
            raw.settimeout(10)
            try:
                data = raw.recv(4096)
            except ConnectionResetError:
                data = b""
            self.assertNotIn(b"HTTP/1.1 200", data)
        status, _ = self.post("127.0.0.20", b"{}")
        self.assertEqual(status, 400)


if __name__ == "__main__":
    unittest.main(verbosity=2)
