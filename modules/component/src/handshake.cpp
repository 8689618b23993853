#include "handshake.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "keyfed/base/hex.hpp"

namespace keyfed::modules::component {
namespace {

constexpr std::size_t kDigestHexBytes = 40;  // SHA-1

}  // namespace

std::string handshakeDigest(std::string_view streamId, std::string_view secret) {
  std::string input;
  input.reserve(streamId.size() + secret.size());
  input.append(streamId).append(secret);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
    return {};  // never matches: handshakeMatches refuses an empty expectation
  }
  OPENSSL_cleanse(input.data(), input.size());
  return base::toHex(digest.data(), size);
}

bool handshakeMatches(std::string_view expected, std::string_view received) {
  // The length is no secret (always 40): only the digits are compared in constant time.
  if (expected.size() != kDigestHexBytes || received.size() != kDigestHexBytes) return false;
  std::array<char, kDigestHexBytes> lowered{};
  for (std::size_t i = 0; i < kDigestHexBytes; ++i) {
    const char c = received[i];
    lowered[i] = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return CRYPTO_memcmp(expected.data(), lowered.data(), kDigestHexBytes) == 0;
}

}  // namespace keyfed::modules::component
