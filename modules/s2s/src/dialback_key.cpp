#include "dialback_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>

#include "keyfed/base/hex.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::modules::s2s {

DialbackKeys::DialbackKeys(std::string_view secret) {
  const std::string material = secret.empty() ? xmpp::randomBytes(32) : std::string(secret);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  hashedSecret_ = base::toHex(digest, sizeof digest);
}

std::string DialbackKeys::make(std::string_view receiving, std::string_view originating,
                               std::string_view streamId) const {
  std::string text;
  text.reserve(receiving.size() + originating.size() + streamId.size() + 2);
  text.append(receiving).append(" ").append(originating).append(" ").append(streamId);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), hashedSecret_.data(), static_cast<int>(hashedSecret_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &length);
  return base::toHex(mac, length);
}

bool DialbackKeys::verify(std::string_view receiving, std::string_view originating,
                          std::string_view streamId, std::string_view key) const {
  // Keys travel as character data: surrounding whitespace is not part of them.
  while (!key.empty() && std::string_view(" \t\r\n").find(key.front()) != std::string_view::npos)
    key.remove_prefix(1);
  while (!key.empty() && std::string_view(" \t\r\n").find(key.back()) != std::string_view::npos)
    key.remove_suffix(1);
  const std::string expected = make(receiving, originating, streamId);
  return key.size() == expected.size() &&
         CRYPTO_memcmp(key.data(), expected.data(), expected.size()) == 0;
}

}  // namespace keyfed::modules::s2s
