#include "keyfed/xmpp/sasl.hpp"

#include "utf8.hpp"

#include <stringprep.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace keyfed::xmpp {

namespace {

constexpr std::array<std::string_view, kSaslConditionCount> kNames = {
    "aborted",
    "account-disabled",
    "credentials-expired",
    "encryption-required",
    "incorrect-encoding",
    "invalid-authzid",
    "invalid-mechanism",
    "malformed-request",
    "mechanism-too-weak",
    "not-authorized",
    "temporary-auth-failure",
};

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // NOLINT: libidn allocates with malloc
};

}  // namespace

std::string_view conditionName(SaslCondition condition) {
  auto i = static_cast<std::size_t>(condition);
  return i < kNames.size() ? kNames[i] : std::string_view("not-authorized");
}

std::optional<SaslCondition> parseSaslCondition(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<SaslCondition>(i);
  }
  return std::nullopt;
}

std::optional<SaslCondition> saslConditionOf(const base::Error& error) {
  std::string_view code = error.code;
  if (code.substr(0, 5) != "sasl.") return std::nullopt;
  return parseSaslCondition(code.substr(5));
}

base::Failure saslFail(SaslCondition condition, std::string message) {
  return base::fail("sasl." + std::string(conditionName(condition)), std::move(message));
}

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = at(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

base::Result<std::string> base64Decode(std::string_view text, std::size_t maxDecoded) {
  if (text.size() % 4 != 0) {
    return saslFail(SaslCondition::incorrectEncoding, "base64 length is not a multiple of 4");
  }
  if (text.size() / 4 * 3 > maxDecoded + 2) {
    return saslFail(SaslCondition::incorrectEncoding, "base64 data too long");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    std::array<int, 4> v{};
    for (int k = 0; k < 4 - pad; ++k) {
      v[static_cast<std::size_t>(k)] = decodeChar(text[i + static_cast<std::size_t>(k)]);
      if (v[static_cast<std::size_t>(k)] < 0) {
        return saslFail(SaslCondition::incorrectEncoding, "invalid base64 character");
      }
    }
    std::uint32_t n = (static_cast<std::uint32_t>(v[0]) << 18) |
                      (static_cast<std::uint32_t>(v[1]) << 12) |
                      (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
    // Canonical form: the bits a padded quantum drops must be zero.
    if ((pad == 1 && (n & 0xFF) != 0) || (pad == 2 && (n & 0xFFFF) != 0)) {
      return saslFail(SaslCondition::incorrectEncoding, "non-canonical base64 padding");
    }
  }
  if (out.size() > maxDecoded) {
    return saslFail(SaslCondition::incorrectEncoding, "base64 data too long");
  }
  return out;
}

base::Result<std::optional<std::string>> decodeSaslPayload(std::string_view text,
                                                           std::size_t maxDecoded) {
  if (text.empty()) return std::optional<std::string>();
  if (text == "=") return std::optional<std::string>(std::string());
  auto decoded = base64Decode(text, maxDecoded);
  if (!decoded) return base::fail(std::move(decoded).error());
  return std::optional<std::string>(std::move(*decoded));
}

std::string encodeSaslPayload(std::string_view bytes) {
  return bytes.empty() ? std::string("=") : base64Encode(bytes);
}

base::Result<std::string> saslprep(std::string_view text, bool storedString) {
  if (!detail::isUtf8WithoutNul(text)) {
    return saslFail(SaslCondition::malformedRequest, "not valid UTF-8");
  }
  if (text.size() > 4096) return saslFail(SaslCondition::malformedRequest, "string too long");
  std::string input(text);
  char* raw = nullptr;
  int rc = stringprep_profile(input.c_str(), &raw, "SASLprep",
                              storedString ? STRINGPREP_NO_UNASSIGNED : Stringprep_profile_flags{});
  std::unique_ptr<char, FreeDeleter> out(raw);
  if (rc != STRINGPREP_OK || out == nullptr) {
    return saslFail(
        SaslCondition::malformedRequest,
        std::string("SASLprep failed: ") + stringprep_strerror(static_cast<Stringprep_rc>(rc)));
  }
  return std::string(out.get());
}

}  // namespace keyfed::xmpp
