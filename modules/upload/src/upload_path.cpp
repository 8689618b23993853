#include "upload_path.hpp"

#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <optional>

#include "keyfed/base/utf8.hpp"

namespace keyfed::modules::upload {
namespace {

constexpr std::size_t kTokenBytes = 16;
constexpr std::size_t kMaxName = 255;
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kUpperHex = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hexValue(text[i + 1]);
    const int lo = hexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

}  // namespace

std::optional<std::uint64_t> parseDecimal(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

bool acceptableFilename(std::string_view name) {
  if (name.empty() || name.size() > kMaxName || name == "." || name == "..") return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
  }
  return base::isUtf8(name);
}

bool acceptableContentType(std::string_view type) {
  if (type.empty() || type.size() > kMaxName) return false;
  for (unsigned char c : type) {
    if (c < 0x20 || c >= 0x7f) return false;
  }
  const auto slash = type.find('/');
  return slash != std::string_view::npos && slash > 0 && slash + 1 < type.size() &&
         type.find_first_of(" ;", 0) > slash;
}

std::string newToken() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4U]);
    out.push_back(kHex[b & 0x0fU]);
  }
  return out;
}

bool isToken(std::string_view text) {
  if (text.size() != kTokenBytes * 2) return false;
  for (char c : text) {
    if (kHex.find(c) == std::string_view::npos) return false;
  }
  return true;
}

std::string uploadPath(std::string_view token, std::string_view filename) {
  std::string out(kPathPrefix);
  out.append(token);
  out.push_back('/');
  for (unsigned char c : filename) {
    if (unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4U]);
      out.push_back(kUpperHex[c & 0x0fU]);
    }
  }
  return out;
}

std::optional<UploadPath> parseUploadPath(std::string_view path) {
  if (!path.starts_with(kPathPrefix)) return std::nullopt;
  path.remove_prefix(kPathPrefix.size());
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  UploadPath out;
  out.token = std::string(path.substr(0, slash));
  if (!isToken(out.token)) return std::nullopt;
  auto name = percentDecode(path.substr(slash + 1));
  if (!name || !acceptableFilename(*name)) return std::nullopt;
  out.filename = std::move(*name);
  return out;
}

}  // namespace keyfed::modules::upload
