#pragma once
// Keys generated once per test process (key generation is the slow part of
// these tests), shared by the crypto test files.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "keynote/keys.hpp"

namespace keynote::testing {

// A key pair for `algorithm` ("rsa-hex:", "dsa-hex:", ...), generated on first use.
inline const KeyPair& testKey(const std::string& algorithm) {
  static std::map<std::string, KeyPair> keys;
  auto it = keys.find(algorithm);
  if (it == keys.end()) {
    int bits = 1024;
    if (algorithm.rfind("ed25519", 0) == 0 || algorithm.rfind("ecdsa", 0) == 0) bits = 256;
    auto pair = generateKey(algorithm, bits);
    if (!pair) {
      ADD_FAILURE() << "cannot generate " << algorithm << ": " << pair.error().describe();
      static const KeyPair empty;
      return empty;
    }
    it = keys.emplace(algorithm, std::move(pair.value())).first;
  }
  return it->second;
}

// An unsigned assertion by `authorizer` ending with an empty Signature field.
inline std::string unsignedAssertion(const std::string& authorizer) {
  return "KeyNote-Version: 2\n"
         "Comment: a credential for the crypto tests\n"
         "Authorizer: \"" +
         authorizer +
         "\"\n"
         "Licensees: \"bob\"\n"
         "Conditions: app_domain == \"xmpp\" -> \"true\";\n"
         "Signature:";
}

}  // namespace keynote::testing
