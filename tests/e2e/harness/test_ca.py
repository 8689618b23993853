"""A throwaway certificate authority for end-to-end tests, driven by the openssl CLI.

Every test process gets one CA (``shared_ca()``), created lazily in a temporary directory that
is removed at exit; leaf certificates are cached by their parameters, so asking twice for the
same domain costs nothing. Keys are EC P-256 by default (key generation takes milliseconds);
RSA 2048 is available for tests that need it.

Leaf certificates carry what RFC 6120 section 13.7.1.2 and RFC 7590 expect from an XMPP server
certificate: a SAN dNSName for the domain (and optionally ``*.domain``), the XMPP
id-on-xmppAddr otherName (1.3.6.1.5.5.7.8.5) and the SRV-ID id-on-dnsSRV otherName
(1.3.6.1.5.5.7.8.7) for ``_xmpp-client`` and ``_xmpp-server``, the serverAuth EKU and, on
request, clientAuth (s2s peers authenticate with the same certificate). Negative variants:
expired, issued for another domain, self-signed.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

XMPP_ADDR_OID = "1.3.6.1.5.5.7.8.5"
DNS_SRV_OID = "1.3.6.1.5.5.7.8.7"
OPENSSL_TIMEOUT = 30  # seconds; RSA key generation on a loaded machine stays well below


class CertError(RuntimeError):
    """openssl failed; the message carries its command line and stderr."""


@dataclasses.dataclass(frozen=True)
class CertFiles:
    """A PEM certificate and its key. ``chain`` is leaf + CA (what a server should present)."""

    domain: str
    cert: Path
    key: Path
    chain: Path
    ca_cert: Path


def _run_openssl(args: list[str], cwd: Path) -> None:
    try:
        proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=OPENSSL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CertError(f"openssl {' '.join(args)}: timed out") from exc
    if proc.returncode != 0:
        raise CertError(f"openssl {' '.join(args)}: exit {proc.returncode}: {proc.stderr.strip()}")


def _gen_key(path: Path, key_type: str) -> None:
    if key_type == "ec":
        args = ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
    elif key_type == "rsa":
        args = ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
    else:
        raise ValueError(f"key_type must be 'ec' or 'rsa', not {key_type!r}")
    _run_openssl([*args, "-out", str(path)], path.parent)
    path.chmod(0o600)


def _asn1_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%SZ")


def _check_domain(domain: str) -> None:
    # The domain ends up in an openssl config file and a file name: keep it to hostname syntax.
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    if not domain or set(domain.lower()) - allowed or domain.startswith("."):
        raise ValueError(f"test domains must be plain hostnames, not {domain!r}")


def _leaf_extensions(domain: str, san_dns: list[str], xmpp_addr: bool, srv_id: bool,
                     client_auth: bool) -> str:
    alt = [f"DNS.{i} = {name}" for i, name in enumerate(san_dns, 1)]
    other = []
    if xmpp_addr:
        other.append(f"{XMPP_ADDR_OID};UTF8:{domain}")
    if srv_id:
        other.append(f"{DNS_SRV_OID};IA5STRING:_xmpp-client.{domain}")
        other.append(f"{DNS_SRV_OID};IA5STRING:_xmpp-server.{domain}")
    alt += [f"otherName.{i} = {value}" for i, value in enumerate(other, 1)]
    usages = "serverAuth, clientAuth" if client_auth else "serverAuth"
    san = "subjectAltName = @alt\n" if alt else ""
    return ("[leaf]\n"
            "basicConstraints = critical, CA:false\n"
            "keyUsage = critical, digitalSignature, keyEncipherment\n"
            f"extendedKeyUsage = {usages}\n"
            "subjectKeyIdentifier = hash\n"
            "authorityKeyIdentifier = keyid\n"
            f"{san}"
            "[alt]\n" + "\n".join(alt) + "\n")


class TestCA:
    """A CA in ``directory`` (created if absent). Thread-safe; not shared between processes."""

    __test__ = False  # not a unittest/pytest test class despite the name

    def __init__(self, directory: Path | str, key_type: str = "ec",
                 name: str = "keyfed test CA") -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.key_type = key_type
        self.cert = self.dir / "ca.crt"
        self.key = self.dir / "ca.key"
        self._lock = threading.Lock()
        self._cache: dict[tuple, CertFiles] = {}
        self._counter = 0
        _gen_key(self.key, key_type)
        _run_openssl(["req", "-x509", "-new", "-key", str(self.key), "-sha256", "-days", "3650",
                      "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:true",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                      "-out", str(self.cert)], self.dir)
        (self.dir / "index.txt").write_text("")
        (self.dir / "serial").write_text("1000\n")
        (self.dir / "newcerts").mkdir(exist_ok=True)
        (self.dir / "ca.cnf").write_text(
            "[ca]\ndefault_ca = test_ca\n"
            "[test_ca]\n"
            f"database = {self.dir / 'index.txt'}\n"
            f"new_certs_dir = {self.dir / 'newcerts'}\n"
            f"serial = {self.dir / 'serial'}\n"
            "default_md = sha256\npolicy = policy_any\nunique_subject = no\n"
            "copy_extensions = none\nemail_in_dn = no\n"
            "[policy_any]\ncommonName = supplied\n")

    def issue(self, domain: str, *, wildcard: bool = True, xmpp_addr: bool = True,
              srv_id: bool = True, client_auth: bool = False, expired: bool = False,
              extra_dns: tuple[str, ...] = (), key_type: str | None = None,
              subject_cn: str | None = None) -> CertFiles:
        """A leaf certificate for ``domain`` signed by this CA.

        ``expired`` gives a certificate whose validity ended yesterday; ``subject_cn`` overrides the
        CN (the SAN always names ``domain`` and ``extra_dns``). Cached by all parameters.
        """
        _check_domain(domain)
        for name in extra_dns:
            _check_domain(name.removeprefix("*."))
        key_type = key_type or self.key_type
        cache_key = (domain, wildcard, xmpp_addr, srv_id, client_auth, expired, tuple(extra_dns),
                     key_type, subject_cn)
        with self._lock:
            if cache_key in self._cache:
                return self._cache[cache_key]
            self._counter += 1
            out = self.dir / f"{self._counter:03d}-{domain}"
            out.mkdir()
            key = out / "key.pem"
            _gen_key(key, key_type)
            csr = out / "req.csr"
            cn = subject_cn or domain
            _run_openssl(["req", "-new", "-key", str(key), "-subj", f"/CN={cn}", "-out", str(csr)],
                         out)
            san_dns = [domain] + ([f"*.{domain}"] if wildcard else []) + list(extra_dns)
            ext = out / "ext.cnf"
            ext.write_text(_leaf_extensions(domain, san_dns, xmpp_addr, srv_id, client_auth))
            now = datetime.datetime.now(datetime.timezone.utc)
            if expired:
                start, end = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
            else:
                start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=30)
            cert = out / "cert.pem"
            _run_openssl(["ca", "-batch", "-config", str(self.dir / "ca.cnf"), "-cert",
                          str(self.cert), "-keyfile", str(self.key), "-in", str(csr), "-out",
                          str(cert), "-notext", "-startdate", _asn1_time(start),
                          "-enddate", _asn1_time(end), "-extfile", str(ext), "-extensions",
                          "leaf"], out)
            chain = out / "chain.pem"
            chain.write_bytes(cert.read_bytes() + self.cert.read_bytes())
            files = CertFiles(domain, cert, key, chain, self.cert)
            self._cache[cache_key] = files
            return files

    def wrong_domain(self, domain: str, other: str = "wrong.example") -> CertFiles:
        """A valid certificate of this CA that names ``other`` instead of ``domain``."""
        files = self.issue(other, wildcard=False)
        return dataclasses.replace(files, domain=domain)

    def self_signed(self, domain: str, key_type: str | None = None) -> CertFiles:
        """A self-signed certificate for ``domain`` (not chained to this CA)."""
        return make_self_signed(self.dir / f"self-signed-{domain}", domain,
                                key_type or self.key_type)

    def install(self, files: CertFiles, directory: Path | str, stem: str) -> tuple[Path, Path]:
        """Copies chain and key into ``directory`` as ``stem.crt`` and ``stem.key`` (0600)."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        crt, key = target / f"{stem}.crt", target / f"{stem}.key"
        shutil.copyfile(files.chain, crt)
        shutil.copyfile(files.key, key)
        key.chmod(0o600)
        return crt, key


def make_self_signed(directory: Path | str, domain: str, key_type: str = "ec",
                     days: int = 30) -> CertFiles:
    """A self-signed server certificate (SAN dNSName ``domain``), e.g. for scripts/first-run."""
    _check_domain(domain)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    key, cert = out / "key.pem", out / "cert.pem"
    if not cert.exists():
        _gen_key(key, key_type)
        _run_openssl(["req", "-x509", "-new", "-key", str(key), "-sha256", "-days", str(days),
                      "-subj", f"/CN={domain}", "-addext", f"subjectAltName=DNS:{domain}",
                      "-addext", "extendedKeyUsage=serverAuth", "-out", str(cert)], out)
    return CertFiles(domain, cert, key, cert, cert)


def main(argv: list[str]) -> int:
    """Command line: ``test_ca.py OUTDIR DOMAIN...`` writes OUTDIR/ca.crt and, per domain,
    OUTDIR/DOMAIN.crt (chain) and OUTDIR/DOMAIN.key, for trying servers by hand."""
    if len(argv) < 3:
        print(f"usage: {argv[0]} OUTDIR DOMAIN...", file=sys.stderr)
        return 2
    out = Path(argv[1])
    with tempfile.TemporaryDirectory(prefix="keyfed-ca-") as work:
        ca = TestCA(work)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ca.cert, out / "ca.crt")
        for domain in argv[2:]:
            crt, key = ca.install(ca.issue(domain, client_auth=True), out, domain)
            print(f"{crt}\n{key}")
    print(out / "ca.crt")
    return 0


_shared: TestCA | None = None
_shared_lock = threading.Lock()


def shared_ca() -> TestCA:
    """The CA of this test process, created on first use and removed at exit.

    With E2E_KEEP_TMP=1 the directory is kept (its path is printed) for inspection.
    """
    global _shared
    with _shared_lock:
        if _shared is None:
            directory = Path(tempfile.mkdtemp(prefix="keyfed-ca-"))
            if os.environ.get("E2E_KEEP_TMP") == "1":
                print(f"test CA kept in {directory}")
            else:
                atexit.register(shutil.rmtree, directory, ignore_errors=True)
            _shared = TestCA(directory)
        return _shared


if __name__ == "__main__":
    sys.exit(main(sys.argv))
