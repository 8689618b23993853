#pragma once
// The signature schemes themselves: bytes in, signature bytes out, and back.

#include <string>
#include <string_view>

#include "crypto/names.hpp"
#include "crypto/openssl.hpp"
#include "keynote/crypto_provider.hpp"
#include "keynote/error.hpp"

namespace keynote::crypto {

// Sign `signedBytes` (the assertion bytes plus algorithm name) with `key`.
Outcome<std::string> signWith(SigScheme scheme, EVP_PKEY* key, std::string_view signedBytes);

// Verified or BadSignature (a signature that does not fit the key counts as
// bad: it was decodable text but cannot be a signature by this key).
SignatureCheck verifyWith(SigScheme scheme, EVP_PKEY* key, std::string_view signedBytes,
                          std::string_view signature);

}  // namespace keynote::crypto
