#!/usr/bin/env bash
# Makes what the clearinghouse walkthrough (README.md) needs in out/: a test CA and a
# certificate for each of the four servers (ch.example, a.example, b.example, c.example), the
# clearinghouse's KeyNote key pair, and the members' local policies.
#
#   examples/clearinghouse/make-community.sh      (from anywhere; writes examples/clearinghouse/out)
#
# KEYNOTE names the keynote binary (default: build/bin/keynote of this tree). The CA is for
# this walkthrough only: its private key sits next to it in out/ca/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$here/out
keynote=${KEYNOTE:-$root/build/bin/keynote}
if [[ ! -x $keynote ]]; then
  echo "make-community.sh: no keynote binary at $keynote (make build, or set KEYNOTE=...)" >&2
  exit 1
fi
mkdir -p "$out/ca" "$out/certs" "$out/keys" "$out/policy"
chmod 700 "$out/ca" "$out/keys"

# The test CA (ECDSA P-256) and one certificate per server, naming its domain (RFC 6125 DNS-ID).
if [[ ! -f $out/ca/ca.crt ]]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
    -subj "/CN=keyfed clearinghouse walkthrough CA" -keyout "$out/ca/ca.key" \
    -out "$out/ca/ca.crt" 2>/dev/null
fi
for domain in ch.example a.example b.example c.example; do
  [[ -f $out/certs/$domain.crt ]] && continue
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$domain" \
    -keyout "$out/certs/$domain.key" -out "$out/certs/$domain.csr" 2>/dev/null
  openssl x509 -req -in "$out/certs/$domain.csr" -CA "$out/ca/ca.crt" -CAkey "$out/ca/ca.key" \
    -CAcreateserial -days 30 -out "$out/certs/$domain.crt" -extfile <(printf '%s\n' \
      "subjectAltName = DNS:$domain" "extendedKeyUsage = serverAuth, clientAuth" \
      "keyUsage = digitalSignature") 2>/dev/null
  rm -f "$out/certs/$domain.csr"
done

# The clearinghouse's key: ch.key signs the table, ch.pub is given to every member.
if [[ ! -f $out/keys/ch.key ]]; then
  "$keynote" keygen ed25519-hex: 256 "$out/keys/ch.pub" "$out/keys/ch.key" 0 4096 >/dev/null
fi

# The members' local policies: a.example federates only with level 3 or above; b.example and
# c.example with any member of the community (level 1 or above).
for level in 1 3; do
  cat > "$out/policy/needs$level.kn" <<KN
KeyNote-Version: 2
Comment: federate only with peers the clearinghouse puts at level $level or above
Authorizer: "POLICY"
Conditions: app_domain == "keyfed-federation" && @Peer_Level >= $level -> "true";
KN
done
echo "CA, certificates, the clearinghouse's key and the policies are in $out"
