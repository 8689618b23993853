#!/usr/bin/env python3
"""keynote keygen / sign / sigver from the outside, as a user runs them.

usage: cli_test.py KEYNOTE_BINARY VECTORS_DIR
Exits 77 (ctest SKIP_RETURN_CODE) when the binary has not been built.
"""
import os
import subprocess
import sys
import tempfile

BINARY, VECTORS = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, cwd):
    p = subprocess.run([BINARY, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def check_layout(text, prefix, offset=12, length=50, what=""):
    """keynote(1) layout: indented quoted string, `\\` continuations, bounded lines."""
    lines = text.rstrip("\n").split("\n")
    check(lines[0].startswith(" " * offset + '"' + prefix), what + ": first line " + lines[0][:40])
    for i, line in enumerate(lines):
        check(line.startswith(" " * offset), what + ": indentation of line %d" % i)
        body = line[offset:]
        if i < len(lines) - 1:
            check(body.endswith("\\") and len(body) == length, what + ": full line %d" % i)
        else:
            check(body.endswith('"') and len(body) <= length + 1, what + ": last line")


def unquote(text):
    """What a quoted key file holds (continuations joined)."""
    out, lines = "", text.strip().split("\n")
    for line in lines:
        out += line.strip().rstrip("\\")
    return out.strip('"')


def assertion(authorizer_file_text, licensee="bob"):
    return ("KeyNote-Version: 2\nAuthorizer:" + authorizer_file_text +
            'Licensees: "%s"\nConditions: app_domain == "xmpp" -> "true";\nSignature:\n' % licensee)


def main():
    if not os.access(BINARY, os.X_OK):
        print("keynote binary not built:", BINARY)
        return 77
    with tempfile.TemporaryDirectory() as d:
        # --- keygen for every family, files and layout.
        for alg, bits in [("rsa-hex:", "1024"), ("dsa-base64:", "1024"), ("ed25519-hex:", "256"),
                          ("ecdsa-p256-base64:", "256"), ("x509-hex:", "1024")]:
            name = alg.rstrip(":")
            rc, out, err = run("keygen", alg, bits, name + ".pub", name + ".priv", cwd=d)
            check(rc == 0 and out == "" and err == "", "keygen %s: rc=%d %s" % (alg, rc, err))
            pub = open(os.path.join(d, name + ".pub")).read()
            priv = open(os.path.join(d, name + ".priv")).read()
            check_layout(pub, alg, what="keygen " + alg + " public")
            check_layout(priv, "private-" + alg, what="keygen " + alg + " private")
            mode = os.stat(os.path.join(d, name + ".priv")).st_mode & 0o777
            check(mode & 0o077 == 0, "private key file readable by others: %o" % mode)

        # The algorithm may be omitted: Ed25519 by default; both keys to stdout.
        rc, out, err = run("keygen", "256", "-", "-", cwd=d)
        check(rc == 0, "keygen default rc")
        parts = out.split("===========================\n")
        check(len(parts) == 2 and '"ed25519-hex:' in parts[0] and '"private-ed25519-hex:' in parts[1],
              "keygen default output")

        # print-offset / print-length.
        rc, out, _ = run("keygen", "ed25519-base64:", "256", "-", "k.priv", "4", "30", cwd=d)
        check(rc == 0, "keygen offset rc")
        check_layout(out, "ed25519-base64:", offset=4, length=30, what="keygen 4/30")

        # --- sign and sigver: every family, -v, layout, verification.
        for alg, sig in [("rsa-hex:", "sig-rsa-sha1-base64:"), ("rsa-hex:", "sig-rsa-md5-hex:"),
                         ("dsa-base64:", "sig-dsa-sha1-hex:"),
                         ("ed25519-hex:", "sig-ed25519-sha512-base64:"),
                         ("ecdsa-p256-base64:", "sig-ecdsa-p256-sha256-hex:"),
                         ("x509-hex:", "sig-x509-sha256-base64:")]:
            name = alg.rstrip(":")
            pub = open(os.path.join(d, name + ".pub")).read()
            text = assertion(pub)
            path = os.path.join(d, name + ".kn")
            open(path, "w").write(text)
            rc, out, err = run("sign", "-v", sig, name + ".kn", name + ".priv", cwd=d)
            check(rc == 0, "sign %s: rc=%d %s" % (sig, rc, err))
            check_layout(out, sig, what="sign " + sig)
            signed = text[:-1] + out
            open(path, "w").write(signed)
            rc, out, err = run("sigver", name + ".kn", cwd=d)
            check((rc, out) == (0, "Signature on assertion 0 verified.\n"),
                  "sigver %s: %r %r" % (sig, out, err))
            # Tampered text, and several assertions per file.
            open(path, "w").write(signed + "\n" + signed.replace('"bob"', '"eve"'))
            rc, out, err = run("sigver", name + ".kn", cwd=d)
            check((rc, out) == (0, "Signature on assertion 0 verified.\n"
                                   "Signature on assertion 1 did not verify!\n"),
                  "sigver tampered %s: %r" % (sig, out))

        # -v catches a private key that is not the Authorizer's; without -v the
        # classic tool signs anyway.
        open(os.path.join(d, "a.kn"), "w").write(assertion(open(os.path.join(d, "rsa-hex.pub")).read()))
        run("keygen", "rsa-base64:", "1024", "other.pub", "other.priv", cwd=d)
        rc, out, err = run("sign", "-v", "sig-rsa-sha1-hex:", "a.kn", "other.priv", cwd=d)
        check(rc == 1 and out == "" and err.startswith(
            "Bad assertion or algorithm format, or unsupported algorithm while creating signature.\n"),
            "sign -v wrong key: %d %r" % (rc, err))
        rc, out, _ = run("sign", "sig-rsa-sha1-hex:", "a.kn", "other.priv", cwd=d)
        check(rc == 0 and "sig-rsa-sha1-hex:" in out, "sign without -v")
        # Signature kind must fit the Authorizer.
        rc, _, err = run("sign", "sig-dsa-sha1-hex:", "a.kn", "dsa-base64.priv", cwd=d)
        check(rc == 1 and err.startswith("Bad assertion"), "sign mismatched kind")
        # Missing colon is fixed with a warning.
        rc, out, err = run("sign", "sig-rsa-sha1-hex", "a.kn", "rsa-hex.priv", cwd=d)
        check(rc == 0 and err == "Algorithm name [sig-rsa-sha1-hex] should be terminated with a "
              "colon, fixing.\n", "sign colon fix: %r" % err)

        # --- the openssl-made vectors: same signature bytes as openssl.
        vec_key = open(os.path.join(VECTORS, "rsa-private.der"), "rb").read().hex()
        open(os.path.join(d, "vec.priv"), "w").write('"private-rsa-hex:%s"\n' % vec_key)
        rc, out, err = run("sign", "-v", "sig-rsa-sha1-hex:",
                           os.path.join(VECTORS, "assertion-rsa.txt"), "vec.priv", "0", "100000", cwd=d)
        expected = open(os.path.join(VECTORS, "sig-rsa-sha1-hex.bin"), "rb").read().hex()
        check(rc == 0 and out == '"sig-rsa-sha1-hex:%s"\n' % expected, "sign vector: %r" % err)

        # --- errors and exit codes of keynote(1).
        rc, _, err = run("keygen", "rsa-hex:", "0", "p", "q", cwd=d)
        check((rc, err) == (1, "Invalid specified keysize 0\n"), "keygen size 0")
        rc, _, err = run("keygen", "foo-hex:", "1024", "p", "q", cwd=d)
        check((rc, err) == (1, "Unknown/unsupported algorithm [foo-hex:]\n"), "keygen unknown")
        rc, _, err = run("keygen", "rsa-hex:", "1024", "p", "q", "-1", cwd=d)
        check((rc, err) == (1, "Erroneous value for print-offset parameter.\n"), "keygen offset")
        rc, _, err = run("keygen", "rsa-hex:", "1024", "p", "q", "1", "0", cwd=d)
        check((rc, err) == (1, "Erroneous value for print-length parameter.\n"), "keygen length")
        rc, _, err = run("keygen", "rsa-hex:", "1024", "p", "q", "1", "5", cwd=d)
        check(rc == 1 and "print-length" in err, "keygen short length")
        rc, _, err = run("keygen", "rsa-hex:", "1024", "/nonexistent/dir/p", "q", cwd=d)
        check(rc == 1 and err.startswith("/nonexistent/dir/p: "), "keygen unwritable: %r" % err)
        rc, _, err = run("keygen", cwd=d)
        check(rc == 0 and err.startswith("Arguments:"), "keygen usage")
        rc, _, err = run("sign", "x", cwd=d)
        check(rc == 1 and err.startswith("Arguments:"), "sign usage")
        rc, _, err = run("sign", "sig-rsa-sha1-hex:", "missing.kn", "rsa-hex.priv", cwd=d)
        check(rc == 1 and err.startswith("missing.kn: "), "sign missing file")
        rc, _, err = run("sigver", cwd=d)
        check(rc == 0 and err.startswith("Arguments:"), "sigver usage")
        rc, _, err = run("sigver", "missing.kn", cwd=d)
        check(rc == 1 and err.startswith("missing.kn: "), "sigver missing file")
        open(os.path.join(d, "junk.kn"), "w").write("not an assertion\n")
        rc, out, err = run("sigver", "junk.kn", cwd=d)
        check((rc, out, err) == (0, "", "Syntax error while parsing assertion 0.\n"),
              "sigver junk: %r %r" % (out, err))

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all keynote CLI crypto checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
