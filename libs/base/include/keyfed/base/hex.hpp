#pragma once
// Lowercase hexadecimal of bytes: digests in logs and ids, nonces, keys.

#include <cstddef>
#include <string>
#include <string_view>

namespace keyfed::base {

inline std::string toHex(const void* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

inline std::string toHex(std::string_view bytes) {
  return toHex(bytes.data(), bytes.size());
}

}  // namespace keyfed::base
