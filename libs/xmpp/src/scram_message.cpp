#include "scram_message.hpp"

#include "keyfed/xmpp/sasl.hpp"
#include "utf8.hpp"

namespace keyfed::xmpp::detail {

namespace {
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
}  // namespace

base::Result<std::vector<ScramAttribute>> splitAttributes(std::string_view text) {
  std::vector<ScramAttribute> out;
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = text.find(',', pos);
    std::string_view field =
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    if (field.size() < 2 || !isAlpha(field[0]) || field[1] != '=') {
      return saslFail(SaslCondition::malformedRequest,
                      "SCRAM attribute " + std::to_string(out.size() + 1) + " is malformed");
    }
    out.push_back(ScramAttribute{field[0], field.substr(2)});
    if (out.size() > 64) return saslFail(SaslCondition::malformedRequest, "too many attributes");
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

base::Result<std::string> decodeSaslName(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ',') return saslFail(SaslCondition::malformedRequest, "',' in saslname");
    if (c != '=') {
      out += c;
      continue;
    }
    std::string_view esc = text.substr(i + 1, 2);
    if (esc == "2C") {
      out += ',';
    } else if (esc == "3D") {
      out += '=';
    } else {
      return saslFail(SaslCondition::malformedRequest, "bad '=' escape in saslname");
    }
    i += 2;
  }
  if (out.empty()) return saslFail(SaslCondition::malformedRequest, "empty saslname");
  if (!isUtf8WithoutNul(out)) {
    return saslFail(SaslCondition::malformedRequest, "saslname is not valid UTF-8");
  }
  return out;
}

std::string encodeSaslName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

bool isPrintableNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ',') return false;
  }
  return true;
}

std::optional<std::uint32_t> parseIterations(std::string_view text, std::uint32_t max) {
  if (text.empty() || text.size() > 10 || text[0] == '0') return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (!isDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > max) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

bool isChannelBindingName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!isAlpha(c) && !isDigit(c) && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace keyfed::xmpp::detail
