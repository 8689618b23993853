#pragma once
// Dialback keys (XEP-0185, as incorporated in XEP-0220):
//   key = hex(HMAC-SHA256(hex(SHA256(secret)), receiving + ' ' + originating + ' ' + stream id))
// The secret never leaves the server; an authoritative server recomputes the
// key from the attributes of <db:verify/> and compares.

#include <string>
#include <string_view>

namespace keyfed::modules::s2s {

class DialbackKeys {
 public:
  // An empty secret is replaced by 32 random bytes (keys then only verify
  // while this process runs, which is all dialback needs).
  explicit DialbackKeys(std::string_view secret);

  [[nodiscard]] std::string make(std::string_view receiving, std::string_view originating,
                                 std::string_view streamId) const;
  // Constant-time comparison against the key this server would have made.
  [[nodiscard]] bool verify(std::string_view receiving, std::string_view originating,
                            std::string_view streamId, std::string_view key) const;

 private:
  std::string hashedSecret_;  // hex(SHA256(secret)): the HMAC key
};

}  // namespace keyfed::modules::s2s
