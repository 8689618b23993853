#!/bin/sh
# Regenerates the KeyNote signature test vectors with the openssl command-line
# tool only, following the classic libkeynote encodings (docs/keynote-crypto.md):
# no keyfed code is involved, so the vectors are independent evidence that our
# encodings, signed bytes and signatures match what OpenSSL-based KeyNote
# implementations produce and accept. Run: sh make-vectors.sh
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# ---- keys -------------------------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$work/rsa.pem" 2>/dev/null
openssl rsa -in "$work/rsa.pem" -RSAPublicKey_out -outform DER -out rsa-public.der 2>/dev/null
openssl rsa -in "$work/rsa.pem" -traditional -outform DER -out rsa-private.der 2>/dev/null
openssl rsa -in "$work/rsa.pem" -traditional -out rsa-private.pem 2>/dev/null
openssl req -new -x509 -key "$work/rsa.pem" -subj /CN=keynote-vector -days 36500 \
  -outform DER -out rsa-cert.der

openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 \
  -pkeyopt dsa_paramgen_q_bits:160 -out "$work/dsaparam.pem" 2>/dev/null
openssl genpkey -paramfile "$work/dsaparam.pem" -out "$work/dsa.pem"
openssl dsa -in "$work/dsa.pem" -outform DER -out dsa-private.der 2>/dev/null
# RFC 2792 / i2d_DSAPublicKey: SEQUENCE{pub_key, p, q, g}. The CLI has no
# output for that shape, so take the integers of the DSAPrivateKey
# SEQUENCE{0, p, q, g, pub, priv} and assemble it with asn1parse -genconf.
ints=$(openssl asn1parse -inform DER -in dsa-private.der | sed -n 's/.*INTEGER *://p')
p=$(echo "$ints" | sed -n 2p)
q=$(echo "$ints" | sed -n 3p)
g=$(echo "$ints" | sed -n 4p)
y=$(echo "$ints" | sed -n 5p)
cat > "$work/dsapub.cnf" <<CNF
asn1=SEQUENCE:dsapub
[dsapub]
pub=INTEGER:0x$y
p=INTEGER:0x$p
q=INTEGER:0x$q
g=INTEGER:0x$g
CNF
openssl asn1parse -genconf "$work/dsapub.cnf" -out dsa-public.der -noout

openssl genpkey -algorithm ED25519 -out "$work/ed.pem"
openssl pkey -in "$work/ed.pem" -pubout -outform DER | tail -c 32 > ed25519-public.raw
openssl pkey -in "$work/ed.pem" -outform DER | tail -c 32 > ed25519-private.raw

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/ec.pem"
openssl pkey -in "$work/ec.pem" -pubout -outform DER -out p256-spki.der
openssl ec -in "$work/ec.pem" -outform DER -out p256-private.der 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$work/ec384.pem"
openssl pkey -in "$work/ec384.pem" -pubout -outform DER -out p384-spki.der

# ---- assertions ---------------------------------------------------------------
# One unsigned assertion per key family, ending with an empty Signature field.
assertion() {  # family key-prefix key-file
  {
    printf 'KeyNote-Version: 2\n'
    printf '# vector for %s\n' "$1"
    printf 'Authorizer: "%s%s"\n' "$2" "$(hex "$3")"
    printf 'Licensees: "bob" || "carol"\n'
    printf 'Conditions: app_domain == "xmpp" && peer ~= ".*\\\\.example$" -> "true";\n'
    printf 'Comment: made by make-vectors.sh\n'
    printf 'Signature:\n'
  } > "assertion-$1.txt"
}
assertion rsa rsa-hex: rsa-public.der
assertion x509 x509-hex: rsa-cert.der
assertion dsa dsa-hex: dsa-public.der
assertion ed25519 ed25519-hex: ed25519-public.raw
assertion p256 ecdsa-p256-hex: p256-spki.der

# Signed bytes (RFC 2704 4.6.7 as the reference computes them): the assertion
# up to the Signature keyword, then the algorithm name with its colon.
signed() {  # family algorithm-name -> signed-<algorithm>.bin
  cut=$(grep -b '^Signature:' "assertion-$1.txt" | cut -d: -f1)
  out="signed-${2%:}.bin"
  head -c "$cut" "assertion-$1.txt" > "$out"
  printf '%s' "$2" >> "$out"
}

# sig-rsa-{sha1,md5}: PKCS#1 v1.5 type-1 padding over DER OCTET STRING(digest),
# what RSA_sign_ASN1_OCTET_STRING produces; pkeyutl without a digest pads the
# given bytes as they are.
octet_sig() {  # algorithm-name digest digest-length-byte
  signed rsa "$1"
  openssl dgst "-$2" -binary "signed-${1%:}.bin" > "$work/digest"
  { printf "$3"; cat "$work/digest"; } > "$work/payload"
  openssl pkeyutl -sign -inkey "$work/rsa.pem" -pkeyopt rsa_padding_mode:pkcs1 \
    -in "$work/payload" -out "${1%:}.bin"
}
octet_sig sig-rsa-sha1-hex: sha1 '\004\024'
octet_sig sig-rsa-md5-base64: md5 '\004\020'

# sig-x509-sha1: PKCS#1 v1.5 with the DigestInfo RSA_sign(NID_shaWithRSAEncryption)
# writes: algorithm OID 1.3.14.3.2.15 with NULL parameters.
signed x509 sig-x509-sha1-hex:
d=$(openssl dgst -sha1 -binary signed-sig-x509-sha1-hex.bin | od -An -v -tx1 | tr -d ' \n')
cat > "$work/di.cnf" <<CNF
asn1=SEQUENCE:digestinfo
[digestinfo]
algorithm=SEQUENCE:algorithm
digest=FORMAT:HEX,OCTETSTRING:$d
[algorithm]
oid=OID:1.3.14.3.2.15
parameters=NULL
CNF
openssl asn1parse -genconf "$work/di.cnf" -out "$work/di.der" -noout
openssl pkeyutl -sign -inkey "$work/rsa.pem" -pkeyopt rsa_padding_mode:pkcs1 \
  -in "$work/di.der" -out sig-x509-sha1-hex.bin
# The same bytes signed with the standard id-sha1 DigestInfo, which we accept too.
openssl dgst -sha1 -sign "$work/rsa.pem" -out sig-x509-sha1-hex.std.bin \
  signed-sig-x509-sha1-hex.bin

# Standard PKCS#1 v1.5 with DigestInfo (RFC 5708 sig-x509-sha256 and
# sig-rsa-sha256).
signed x509 sig-x509-sha256-base64:
openssl dgst -sha256 -sign "$work/rsa.pem" -out sig-x509-sha256-base64.bin \
  signed-sig-x509-sha256-base64.bin
signed rsa sig-rsa-sha256-hex:
openssl dgst -sha256 -sign "$work/rsa.pem" -out sig-rsa-sha256-hex.bin \
  signed-sig-rsa-sha256-hex.bin

# sig-dsa-sha1: DER Dss-Sig-Value over SHA-1 (randomised, so verify only).
signed dsa sig-dsa-sha1-hex:
openssl dgst -sha1 -sign "$work/dsa.pem" -out sig-dsa-sha1-hex.bin signed-sig-dsa-sha1-hex.bin

# Extensions: pure Ed25519 over the signed bytes (deterministic) and ECDSA
# P-256 with SHA-256 (DER ECDSA-Sig-Value, randomised).
signed ed25519 sig-ed25519-sha512-base64:
openssl pkeyutl -sign -rawin -inkey "$work/ed.pem" -in signed-sig-ed25519-sha512-base64.bin \
  -out sig-ed25519-sha512-base64.bin
signed p256 sig-ecdsa-p256-sha256-hex:
openssl dgst -sha256 -sign "$work/ec.pem" -out sig-ecdsa-p256-sha256-hex.bin \
  signed-sig-ecdsa-p256-sha256-hex.bin

# Public keys in the PEM form `openssl dgst -verify` takes, for the test that
# checks signatures made by keyfed with the openssl CLI.
openssl pkey -in "$work/dsa.pem" -pubout -out dsa-spki.pem
openssl pkey -in "$work/ec.pem" -pubout -out p256-spki.pem
openssl pkey -in "$work/ed.pem" -pubout -out ed25519-spki.pem
openssl pkey -in "$work/rsa.pem" -pubout -out rsa-spki.pem
echo "vectors written to $(pwd)"
