"""Reading the KeyNote conformance corpus (tests/keynote/corpus/*.case).

A case file holds a description, then sections, each introduced by a line
`=== KIND [name=value ...]` and holding the lines up to the next section:

  policy       a trusted assertion (keynote verify -l), in order
  credential   an untrusted assertion (an operand of keynote verify), in
               order; `sign=KEY alg=SIG-ALGORITHM` lets sign_corpus.py
               (re)compute its Signature with tests/keynote/keys/KEY.priv
  env          the action attribute file (-e)
  key          a requesting principal file (-k): the text, or
               `file=NAME [as=hex|base64]` for tests/keynote/keys/NAME.pub
  values       the compliance values (-r), e.g. `false,true`
  args         extra arguments, one per line (e.g. --explain)
  expect       the exact standard output of keynote verify
  exit         the expected exit status (default 0)
  stderr       lines that must each appear in standard error

In section text, @KEY(NAME) stands for the public key of keys/NAME.pub as
keygen wrote it, @KEYHEX(NAME) and @KEYB64(NAME) for the same key in hex or
base64 encoding (so that one key can be written two ways).
"""
import base64
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "keys")


class Section:
    def __init__(self, kind, attrs, body):
        self.kind, self.attrs, self.body = kind, attrs, body


def parse_case(path):
    sections, description = [], []
    current = None
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines(keepends=True):
            if line.startswith("=== "):
                words = line[4:].split()
                attrs = dict(w.split("=", 1) for w in words[1:])
                current = Section(words[0], attrs, "")
                sections.append(current)
            elif current is None:
                description.append(line)
            else:
                current.body += line
    return "".join(description), sections


def read_key_file(name):
    """The principal in keys/NAME.pub (quoted, `\\` continuations)."""
    with open(os.path.join(KEYS, name + ".pub"), encoding="utf-8") as f:
        text = f.read().strip()
    joined = "".join(line.strip().rstrip("\\") for line in text.split("\n"))
    return joined.strip('"')


def reencode(key, target):
    prefix, bits = key.split(":", 1)
    family, encoding = prefix.rsplit("-", 1)
    raw = bytes.fromhex(bits) if encoding == "hex" else base64.b64decode(bits)
    if target == "hex":
        return family + "-hex:" + raw.hex()
    return family + "-base64:" + base64.b64encode(raw).decode()


def substitute(text):
    text = re.sub(r"@KEY\(([\w-]+)\)", lambda m: read_key_file(m.group(1)), text)
    text = re.sub(r"@KEYHEX\(([\w-]+)\)", lambda m: reencode(read_key_file(m.group(1)), "hex"), text)
    text = re.sub(r"@KEYB64\(([\w-]+)\)",
                  lambda m: reencode(read_key_file(m.group(1)), "base64"), text)
    return text


def key_file_text(section):
    """What goes into a -k file for a `key` section."""
    name = section.attrs.get("file")
    if name is None:
        return substitute(section.body)
    key = read_key_file(name)
    if "as" in section.attrs:
        key = reencode(key, section.attrs["as"])
    return '"' + key + '"\n'


def cases(directory):
    return sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".case"))
