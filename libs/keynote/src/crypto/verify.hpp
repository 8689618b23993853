#pragma once
// Signature verification shared by verifySignature() and the cached
// defaultCryptoProvider(): decodes the signature and the authorizer key
// (OpenSSL keys are kept in a small cache by canonical identity), checks
// that they fit together and runs the scheme.

#include <string_view>

#include "keynote/crypto_provider.hpp"

namespace keynote::crypto {

SignatureCheck verifyUncached(std::string_view signedBytes, std::string_view authorizer,
                              std::string_view signature);

}  // namespace keynote::crypto
