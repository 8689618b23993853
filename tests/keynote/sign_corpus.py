#!/usr/bin/env python3
"""(Re)sign the credentials of the corpus that carry `sign=KEY alg=ALG`.

usage: sign_corpus.py KEYNOTE_BINARY [CASE ...]
Every such credential must end with a `Signature:` field; whatever follows
the colon is replaced by a fresh signature made by `keynote sign` with
tests/keynote/keys/KEY.priv over the credential text after @KEY macro
substitution (run_corpus.py and the library runner substitute the same way).
Run it after editing a signed credential; commit the result.
"""
import os
import subprocess
import sys
import tempfile

import corpus


def sign(binary, text, alg, key):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "assertion")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        out = subprocess.run([binary, "sign", alg, path, os.path.join(corpus.KEYS, key + ".priv")],
                             capture_output=True, text=True, check=True)
    return out.stdout


def process(binary, path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    out, i, changed = [], 0, False
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        if not line.startswith("=== credential") or "sign=" not in line:
            continue
        attrs = dict(w.split("=", 1) for w in line[4:].split()[1:])
        body = []
        while i < len(lines) and not lines[i].startswith("=== "):
            body.append(lines[i])
            i += 1
        text = "".join(body)
        at = text.rfind("Signature:")
        if at < 0:
            sys.exit("%s: signed credential without a Signature field" % path)
        prefix = text[:at] + "Signature:\n"
        signature = sign(binary, corpus.substitute(prefix), attrs["alg"], attrs["sign"])
        out.append(prefix + signature)
        changed = True
    if changed:
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(out))
        print("signed", os.path.basename(path))


def main():
    binary = os.path.abspath(sys.argv[1])
    paths = sys.argv[2:] or corpus.cases(os.path.join(corpus.HERE, "corpus"))
    for p in paths:
        process(binary, p)


if __name__ == "__main__":
    main()
