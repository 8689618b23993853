#pragma once
// The few DER shapes KeyNote keys and signatures need (SEQUENCE, INTEGER,
// OCTET STRING, NULL, OBJECT IDENTIFIER), read strictly: definite minimal
// lengths, minimal non-negative integers, no trailing bytes. A key therefore
// has exactly one accepted byte string, which makes it usable as a canonical
// identity.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace keynote::der {

inline constexpr std::uint8_t kInteger = 0x02;
inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kNull = 0x05;
inline constexpr std::uint8_t kObjectIdentifier = 0x06;
inline constexpr std::uint8_t kSequence = 0x30;

class Reader {
 public:
  explicit Reader(std::string_view input) : input_(input) {}

  // Read one element with `tag`; its content goes to `content`.
  bool read(std::uint8_t tag, std::string_view& content);
  // A SEQUENCE, returned as a Reader over its content.
  bool readSequence(Reader& inner);
  // A non-negative INTEGER as big-endian magnitude without leading zeros
  // (zero is the empty string).
  bool readUnsigned(std::string_view& magnitude);

  [[nodiscard]] bool atEnd() const { return pos_ == input_.size(); }

 private:
  std::string_view input_;
  std::size_t pos_ = 0;
};

std::string element(std::uint8_t tag, std::string_view content);
std::string sequence(std::string_view content);
// A non-negative INTEGER from a big-endian magnitude (leading zeros ignored).
std::string unsignedInteger(std::string_view magnitude);
std::string octetString(std::string_view content);

// Number of significant bits of a big-endian magnitude without leading zeros.
std::size_t bitLength(std::string_view magnitude);

}  // namespace keynote::der
