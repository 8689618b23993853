#!/usr/bin/env python3
"""Run the KeyNote conformance corpus against the `keynote verify` CLI.

usage: run_corpus.py KEYNOTE_BINARY [CORPUS_DIR]
Each case (see corpus.py) becomes files in a temporary directory and one
`keynote verify` run; standard output must match `expect` exactly, the exit
status `exit`, and standard error must contain every `stderr` line.
"""
import os
import subprocess
import sys
import tempfile

import corpus


def run_case(binary, path, workdir):
    _, sections = corpus.parse_case(path)
    args, files = [], {}

    def write(name, text):
        full = os.path.join(workdir, name)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)
        return full

    extra, expect, exit_code, stderr_lines = [], "", 0, []
    values = None
    counters = {}
    for s in sections:
        n = counters.get(s.kind, 0)
        counters[s.kind] = n + 1
        if s.kind == "env":
            args += ["-e", write("env%d" % n, corpus.substitute(s.body))]
        elif s.kind == "key":
            args += ["-k", write("key%d" % n, corpus.key_file_text(s))]
        elif s.kind == "policy":
            files.setdefault("policy", []).append(write("policy%d" % n, corpus.substitute(s.body)))
        elif s.kind == "credential":
            files.setdefault("credential", []).append(
                write("credential%d" % n, corpus.substitute(s.body)))
        elif s.kind == "values":
            values = s.body.strip()
        elif s.kind == "args":
            extra += [line for line in s.body.split("\n") if line.strip()]
        elif s.kind == "expect":
            expect = s.body
        elif s.kind == "exit":
            exit_code = int(s.body.strip())
        elif s.kind == "stderr":
            stderr_lines = [line for line in s.body.split("\n") if line.strip()]
        else:
            return ["unknown section kind '%s'" % s.kind]
    command = [binary, "verify"] + extra
    if values is not None:
        command += ["-r", values]
    command += args
    for p in files.get("policy", []):
        command += ["-l", p]
    command += files.get("credential", [])
    proc = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=workdir)
    problems = []
    if proc.returncode != exit_code:
        problems.append("exit status %d, expected %d" % (proc.returncode, exit_code))
    if proc.stdout != expect:
        problems.append("stdout:\n%s\nexpected:\n%s" % (proc.stdout, expect))
    for line in stderr_lines:
        if line not in proc.stderr:
            problems.append("stderr lacks %r; stderr was:\n%s" % (line, proc.stderr))
    return problems


def main():
    binary = os.path.abspath(sys.argv[1])
    directory = sys.argv[2] if len(sys.argv) > 2 else os.path.join(corpus.HERE, "corpus")
    failed = 0
    all_cases = corpus.cases(directory)
    for path in all_cases:
        with tempfile.TemporaryDirectory() as workdir:
            problems = run_case(binary, path, workdir)
        name = os.path.basename(path)
        if problems:
            failed += 1
            print("FAIL %s" % name)
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            print("ok   %s" % name)
    print("%d cases, %d failed" % (len(all_cases), failed))
    return 1 if failed or not all_cases else 0


if __name__ == "__main__":
    sys.exit(main())
