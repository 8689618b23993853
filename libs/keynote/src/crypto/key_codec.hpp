#pragma once
// Decoding and encoding of key principals (RFC 2792 / RFC 5708 and keyfed's
// extensions). Public keys are validated and reduced to a canonical body so
// that every text encoding of one key yields one identity; private keys are
// turned into OpenSSL keys and wiped from our buffers afterwards.

#include <string>
#include <string_view>

#include "crypto/names.hpp"
#include "crypto/openssl.hpp"
#include "keynote/error.hpp"

namespace keynote::crypto {

struct PublicKey {
  KeyFamily family = KeyFamily::Binary;
  // RSA and X.509: DER RSAPublicKey{n, e}; DSA: DER {pub, p, q, g};
  // Ed25519: the raw 32-byte key; ECDSA P-256: the uncompressed point;
  // binary: the raw bytes.
  std::string body;
  // The decoded bits as written (the certificate for X.509, the SPKI for
  // ECDSA); equal to `body` for the other families.
  std::string bits;

  // "rsa:" + hex(body), ...
  [[nodiscard]] std::string canonical() const;
};

// Decode and validate a public key principal. Errors (code "bad-key") say
// what is wrong; an opaque principal gives code "not-a-key".
Outcome<PublicKey> decodePublicKey(std::string_view principal);

// An OpenSSL key for verification. Binary keys have none.
Outcome<SharedPkey> toEvp(const PublicKey& key);

// The principal text of a public key in `encoding`.
std::string encodePublicKey(const PublicKey& key, TextEncoding encoding);

struct PrivateKey {
  KeyFamily family = KeyFamily::Rsa;
  PkeyPtr pkey;
};

// Decode `private-...:` text (or, when `allowPem`, a PEM private key).
Outcome<PrivateKey> decodePrivateKey(std::string_view text, bool allowPem);

// The private key principal text ("private-rsa-hex:...").
Outcome<std::string> encodePrivateKey(const PrivateKey& key, TextEncoding encoding);

// The public half of a private key (not possible for X.509: no certificate).
Outcome<PublicKey> publicHalf(KeyFamily family, const EVP_PKEY* pkey);

// Decode the hex or base64 bits after an algorithm name, with size limits.
Outcome<std::string> decodeBits(std::string_view text, TextEncoding encoding,
                                std::string_view what);
std::string encodeBits(std::string_view bytes, TextEncoding encoding);

}  // namespace keynote::crypto
