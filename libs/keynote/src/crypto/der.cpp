#include "crypto/der.hpp"

namespace keynote::der {

bool Reader::read(std::uint8_t tag, std::string_view& content) {
  if (input_.size() - pos_ < 2) return false;
  if (static_cast<std::uint8_t>(input_[pos_]) != tag) return false;
  std::size_t p = pos_ + 1;
  const auto first = static_cast<std::uint8_t>(input_[p++]);
  std::size_t length = 0;
  if (first < 0x80) {
    length = first;
  } else {
    const std::size_t count = first & 0x7FU;
    // 0x80 is BER's indefinite length; more than 4 length bytes is far past
    // any key we accept.
    if (count == 0 || count > 4 || input_.size() - p < count) return false;
    if (static_cast<std::uint8_t>(input_[p]) == 0) return false;  // not minimal
    for (std::size_t i = 0; i < count; ++i) {
      length = (length << 8U) | static_cast<std::uint8_t>(input_[p++]);
    }
    if (length < 0x80) return false;  // should have used the short form
  }
  if (input_.size() - p < length) return false;
  content = input_.substr(p, length);
  pos_ = p + length;
  return true;
}

bool Reader::readSequence(Reader& inner) {
  std::string_view content;
  if (!read(kSequence, content)) return false;
  inner = Reader(content);
  return true;
}

bool Reader::readUnsigned(std::string_view& magnitude) {
  std::string_view content;
  if (!read(kInteger, content) || content.empty()) return false;
  const auto b0 = static_cast<std::uint8_t>(content[0]);
  if ((b0 & 0x80U) != 0) return false;  // negative
  if (b0 == 0) {
    if (content.size() == 1) {
      magnitude = {};
      return true;
    }
    // A leading zero is only allowed to keep the sign bit clear.
    if ((static_cast<std::uint8_t>(content[1]) & 0x80U) == 0) return false;
    content.remove_prefix(1);
  }
  magnitude = content;
  return true;
}

std::string element(std::uint8_t tag, std::string_view content) {
  std::string out;
  out.push_back(static_cast<char>(tag));
  const std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<char>(n));
  } else {
    std::string bytes;
    for (std::size_t v = n; v != 0; v >>= 8U)
      bytes.insert(bytes.begin(), static_cast<char>(v & 0xFFU));
    out.push_back(static_cast<char>(0x80U | bytes.size()));
    out += bytes;
  }
  out.append(content);
  return out;
}

std::string sequence(std::string_view content) {
  return element(kSequence, content);
}

std::string unsignedInteger(std::string_view magnitude) {
  while (!magnitude.empty() && magnitude.front() == '\0') magnitude.remove_prefix(1);
  std::string content;
  if (magnitude.empty() || (static_cast<std::uint8_t>(magnitude.front()) & 0x80U) != 0) {
    content.push_back('\0');
  }
  content.append(magnitude);
  return element(kInteger, content);
}

std::string octetString(std::string_view content) {
  return element(kOctetString, content);
}

std::size_t bitLength(std::string_view magnitude) {
  while (!magnitude.empty() && magnitude.front() == '\0') magnitude.remove_prefix(1);
  if (magnitude.empty()) return 0;
  std::size_t bits = (magnitude.size() - 1) * 8;
  for (auto top = static_cast<std::uint8_t>(magnitude.front()); top != 0; top >>= 1U) ++bits;
  return bits;
}

}  // namespace keynote::der
