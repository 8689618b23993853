// The FAC request format: strict reading, the canonical form, signatures.

#include "keyfed/agent/protocol.hpp"
#include "keyfed/agent/signed_json.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "keyfed/base/hex.hpp"
#include "keynote/keys.hpp"

namespace keyfed::agent {
namespace {

using nlohmann::json;

base::Failure malformed(std::string message) {
  return base::fail(errc::kMalformed, std::move(message));
}

bool validName(std::string_view name) {
  if (name.empty() || name.size() > kMaxAttributeNameBytes) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(name[0])) return false;
  for (char c : name) {
    if (!alpha(c) && !digit(c) && c != '_') return false;
  }
  return true;
}

bool validNonce(std::string_view nonce) {
  if (nonce.size() < kMinNonceBytes || nonce.size() > kMaxNonceBytes) return false;
  for (char c : nonce) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

base::Result<std::string> stringMember(const json& j, const char* name, std::size_t maxBytes) {
  auto it = j.find(name);
  if (it == j.end()) return malformed(std::string("missing \"") + name + "\"");
  if (!it->is_string()) return malformed(std::string("\"") + name + "\" must be a string");
  auto value = it->get<std::string>();
  if (value.size() > maxBytes) return malformed(std::string("\"") + name + "\" is too long");
  return value;
}

std::string hexDigest(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return base::toHex(digest.data(), std::min<std::size_t>(16, length));  // 128 bits are enough
}

}  // namespace

base::Result<Request> parseRequest(std::string_view text) {
  if (text.size() > kMaxRequestBytes) {
    return malformed("the request is larger than " + std::to_string(kMaxRequestBytes) + " bytes");
  }
  if (!nestingWithin(text, 4)) return malformed("the request is nested too deeply");
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return malformed("the request is not a JSON object");
  for (const auto& [key, value] : j.items()) {
    static constexpr std::array<std::string_view, 8> kMembers = {
        "version",   "target",     "requester",   "nonce",
        "timestamp", "attributes", "credentials", "signature"};
    bool known = false;
    for (auto m : kMembers) known = known || m == key;
    if (!known) return malformed("unknown member \"" + key + "\"");
  }
  Request r;
  auto version = j.find("version");
  if (version == j.end() || !version->is_number_integer()) {
    return malformed("\"version\" must be an integer");
  }
  if (version->get<std::int64_t>() != kProtocolVersion) {
    return base::fail(errc::kVersion, "this agent speaks version " +
                                          std::to_string(kProtocolVersion) + " of the protocol");
  }
  auto target = stringMember(j, "target", 1023);
  auto requester = stringMember(j, "requester", keynote::kMaxKeyTextLength);
  auto nonce = stringMember(j, "nonce", kMaxNonceBytes);
  auto signature = stringMember(j, "signature", keynote::kMaxKeyTextLength);
  if (!target) return base::fail(target.error());
  if (!requester) return base::fail(requester.error());
  if (!nonce) return base::fail(nonce.error());
  if (!signature) return base::fail(signature.error());
  if (target->empty()) return malformed("\"target\" is empty");
  if (!validNonce(*nonce)) {
    return malformed("\"nonce\" must be 16 to 128 characters of A-Z a-z 0-9 - _");
  }
  r.target = std::move(*target);
  r.requester = std::move(*requester);
  r.nonce = std::move(*nonce);
  r.signature = std::move(*signature);

  auto ts = j.find("timestamp");
  if (ts == j.end() || !ts->is_number_integer()) {
    return malformed("\"timestamp\" must be an integer (Unix seconds)");
  }
  r.timestamp = ts->get<std::int64_t>();

  auto attributes = j.find("attributes");
  if (attributes == j.end() || !attributes->is_object()) {
    return malformed("\"attributes\" must be an object of strings");
  }
  if (attributes->size() > kMaxAttributes) {
    return malformed("more than " + std::to_string(kMaxAttributes) + " attributes");
  }
  for (const auto& [name, value] : attributes->items()) {
    if (!validName(name)) {
      return base::fail(errc::kAttributes,
                        "attribute name '" + name + "' is not [A-Za-z][A-Za-z0-9_]* (64 bytes)");
    }
    if (!value.is_string()) return malformed("attribute " + name + " must be a string");
    auto v = value.get<std::string>();
    if (v.size() > kMaxAttributeValueBytes || v.find('\0') != std::string::npos) {
      return base::fail(errc::kAttributes, "attribute " + name + " is too long or contains NUL");
    }
    r.attributes.emplace(name, std::move(v));
  }

  auto credentials = j.find("credentials");
  if (credentials == j.end() || !credentials->is_array()) {
    return malformed("\"credentials\" must be an array of strings");
  }
  if (credentials->size() > kMaxCredentials) {
    return malformed("more than " + std::to_string(kMaxCredentials) + " credentials");
  }
  for (const auto& c : *credentials) {
    if (!c.is_string()) return malformed("every credential must be a string");
    auto text = c.get<std::string>();
    if (text.size() > kMaxCredentialBytes) {
      return malformed("a credential is larger than " + std::to_string(kMaxCredentialBytes) +
                       " bytes");
    }
    r.credentials.push_back(std::move(text));
  }
  return r;
}

std::string canonicalForm(const Request& r) {
  // Members in byte order: attributes, credentials, nonce, requester, target,
  // timestamp, version. Attribute names are ASCII, so std::map order is byte order.
  std::string out = "{\"attributes\":{";
  bool first = true;
  for (const auto& [name, value] : r.attributes) {
    if (!first) out += ',';
    first = false;
    appendJsonString(out, name);
    out += ':';
    appendJsonString(out, value);
  }
  out += "},\"credentials\":[";
  for (std::size_t i = 0; i < r.credentials.size(); ++i) {
    if (i > 0) out += ',';
    appendJsonString(out, r.credentials[i]);
  }
  out += "],\"nonce\":";
  appendJsonString(out, r.nonce);
  out += ",\"requester\":";
  appendJsonString(out, r.requester);
  out += ",\"target\":";
  appendJsonString(out, r.target);
  out += ",\"timestamp\":" + std::to_string(r.timestamp);
  out += ",\"version\":" + std::to_string(r.version) + "}";
  return out;
}

std::string toJson(const Request& r) {
  std::string out = canonicalForm(r);
  out.pop_back();  // '}'
  out += ",\"signature\":";
  appendJsonString(out, r.signature);
  out += '}';
  return out;
}

std::string signedBytes(const Request& request, std::string_view signatureAlgorithm) {
  std::string out(kSignaturePrefix);
  out += canonicalForm(request);
  out += '\n';
  out += signatureAlgorithm;
  return out;
}

base::Result<void> signRequest(Request& request, std::string_view privateKey,
                               std::string_view signatureAlgorithm) {
  std::string key(privateKey);
  if (auto unquoted = keynote::parseQuotedKey(privateKey); unquoted) key = *unquoted;
  auto publicKey = keynote::publicKeyOf(key);
  if (!publicKey)
    return base::fail(errc::kBadKey, "not a private key: " + publicKey.error().message);
  request.requester = *publicKey;
  std::string algorithm = signatureAlgorithm.empty() ? defaultSignatureAlgorithm(*publicKey)
                                                     : std::string(signatureAlgorithm);
  auto canonicalAlgorithm = keynote::signatureAlgorithmOf(algorithm);
  if (!canonicalAlgorithm) {
    return base::fail(errc::kBadSignature, "unknown signature algorithm '" + algorithm + "'");
  }
  auto signature =
      keynote::signBytes(signedBytes(request, *canonicalAlgorithm), *canonicalAlgorithm, key);
  if (!signature) return base::fail(errc::kBadSignature, signature.error().message);
  request.signature = std::move(*signature);
  return {};
}

base::Result<void> verifyRequest(const Request& request) {
  if (keynote::classifyPrincipal(request.requester) != keynote::PrincipalKind::Key) {
    return base::fail(errc::kBadKey, "\"requester\" is not a KeyNote public key");
  }
  auto algorithm = keynote::signatureAlgorithmOf(request.signature);
  if (!algorithm) {
    return base::fail(errc::kBadSignature, "signature: " + algorithm.error().message);
  }
  if (!keynote::signatureFitsKey(*algorithm, request.requester)) {
    return base::fail(errc::kBadSignature,
                      "signature algorithm " + *algorithm + " does not fit the requester's key");
  }
  const auto check = keynote::verifySignature(signedBytes(request, *algorithm), request.requester,
                                              request.signature);
  if (check != keynote::SignatureCheck::Verified) {
    return base::fail(errc::kBadSignature,
                      "the request's signature: " + std::string(keynote::describe(check)));
  }
  return {};
}

std::string requestId(const Request& request) {
  return hexDigest(signedBytes(request, request.signature));
}

std::string requestIdOf(std::string_view rawRequest) {
  return hexDigest(rawRequest);
}

std::string makeNonce() {
  std::array<unsigned char, 16> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  return base::toHex(bytes.data(), bytes.size());
}

}  // namespace keyfed::agent
