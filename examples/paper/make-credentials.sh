#!/usr/bin/env bash
# Generates the keys of the paper's principals and builds the policies and
# signed credentials of examples/paper/ (README.md walks through them).
#
#   examples/paper/make-credentials.sh [OUT-DIR]      (default: examples/paper/out)
#
# KEYNOTE names the keynote binary (default: build/bin/keynote of this tree).
# Keys are Ed25519 (keynote keygen's default); every credential is signed by
# its Authorizer's key with `keynote sign -v`, which also checks it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here/out}
keynote=${KEYNOTE:-$root/build/bin/keynote}
if [[ ! -x $keynote ]]; then
  echo "make-credentials.sh: no keynote binary at $keynote (make build, or set KEYNOTE=...)" >&2
  exit 1
fi
mkdir -p "$out/keys"
chmod 700 "$out/keys"

principals=(TargetAdmin KAlice KBob Mallory TargetServer SecurityConsultant TargetDirector Angela)
for p in "${principals[@]}"; do
  if [[ ! -f $out/keys/$p.key ]]; then
    # One line each (offset 0, long lines): easy to paste into Local-Constants.
    "$keynote" keygen ed25519-hex: 256 "$out/keys/$p.pub" "$out/keys/$p.key" 0 4096 >/dev/null
  fi
done

# The credential of III.D is valid from the first day of this month to the last of the next.
date_from=$(date -u +%Y%m01)
date_to=$(date -u -d "$(date -u +%Y-%m-01) +2 months -1 day" +%Y%m%d)

# Replaces @Name@ by the quoted public key of Name, and the date placeholders.
render() {
  python3 - "$1" "$out/keys" "$date_from" "$date_to" <<'PY'
import pathlib, re, sys
text = pathlib.Path(sys.argv[1]).read_text()
keys = pathlib.Path(sys.argv[2])
values = {"DATE_FROM": sys.argv[3], "DATE_TO": sys.argv[4]}
def sub(m):
    name = m.group(1)
    if name in values:
        return values[name]
    return (keys / (name + ".pub")).read_text().strip()
sys.stdout.write(re.sub(r"@([A-Za-z_]+)@", sub, text).rstrip("\n") + "\n")
PY
}

# policy TEMPLATE: a trusted POLICY assertion (not signed).
policy() {
  render "$here/templates/$1" > "$out/$1"
}

# credential TEMPLATE SIGNER: a credential signed by SIGNER's key.
credential() {
  local file=$out/$1
  render "$here/templates/$1" > "$file.unsigned"
  "$keynote" sign -v sig-ed25519-sha512-hex: "$file.unsigned" "$out/keys/$2.key" > "$file.sig"
  cat "$file.unsigned" "$file.sig" > "$file"
  rm -f "$file.unsigned" "$file.sig"
}

policy whitelist.policy
credential targetadmin-to-alice.cred TargetAdmin
credential alice-to-bob.cred KAlice
policy threat.policy
credential targetserver-to-consultant.cred TargetServer
credential consultant-to-alice.cred SecurityConsultant
credential alice-to-bob-xmpp.cred KAlice
policy business.policy
credential targetadmin-to-director.cred TargetAdmin
credential director-to-angela.cred TargetDirector

for f in "$out"/*.cred; do
  "$keynote" sigver "$f" | grep -q "verified" || { echo "signature of $f does not verify" >&2; exit 1; }
done
echo "keys, policies and credentials in $out"
