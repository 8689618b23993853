// The table document: strict reading, the canonical form, signatures.

#include "keyfed/clearinghouse/document.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "keyfed/agent/signed_json.hpp"
#include "keyfed/policy/static_decider.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keynote/keys.hpp"

namespace keyfed::clearinghouse {
namespace {

using nlohmann::json;

base::Failure malformed(std::string message) {
  return base::fail(errc::kMalformed, std::move(message));
}

bool asciiEqual(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

// A domain as the table must hold it: already prepared (what Jid::parse
// gives back), no node, no resource.
bool preparedDomain(std::string_view domain) {
  if (domain.empty() || domain.size() > kMaxDomainBytes) return false;
  auto jid = xmpp::Jid::parse(domain);
  return jid && !jid->hasNode() && !jid->hasResource() && jid->full() == domain;
}

bool validAddress(std::string_view address) {
  if (address.empty() || address.size() > 64) return false;
  if (address.find('/') != std::string_view::npos)
    return policy::validateNetwork(address).has_value();
  // A single address is the range of one.
  const std::string asRange =
      std::string(address) + (address.find(':') != std::string_view::npos ? "/128" : "/32");
  return policy::validateNetwork(asRange).has_value();
}

base::Result<std::int64_t> integerMember(const json& j, const char* name, std::int64_t min,
                                         std::int64_t max) {
  auto it = j.find(name);
  if (it == j.end()) return malformed(std::string("missing \"") + name + "\"");
  if (!it->is_number_integer())
    return malformed(std::string("\"") + name + "\" must be an integer");
  const auto value = it->get<std::int64_t>();
  if (value < min || value > max) {
    return malformed(std::string("\"") + name + "\" is out of range (" + std::to_string(min) +
                     ".." + std::to_string(max) + ")");
  }
  return value;
}

base::Result<std::string> stringMember(const json& j, const char* name, std::size_t maxBytes) {
  auto it = j.find(name);
  if (it == j.end()) return malformed(std::string("missing \"") + name + "\"");
  if (!it->is_string()) return malformed(std::string("\"") + name + "\" must be a string");
  auto value = it->get<std::string>();
  if (value.empty() || value.size() > maxBytes) {
    return malformed(std::string("\"") + name + "\" is empty or longer than " +
                     std::to_string(maxBytes) + " bytes");
  }
  return value;
}

constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;  // far beyond any real expiry
constexpr std::size_t kMaxKeyBytes = std::size_t{64} * 1024;

base::Result<Row> parseRow(const json& j) {
  if (!j.is_object()) return malformed("every row must be an object");
  static const std::set<std::string, std::less<>> kKnown = {"addresses", "domain", "expires",
                                                            "level"};
  for (const auto& [key, value] : j.items()) {
    if (!kKnown.contains(key)) return malformed("unknown row member \"" + key + "\"");
  }
  Row row;
  auto domain = stringMember(j, "domain", kMaxDomainBytes);
  if (!domain) return base::fail(domain.error());
  if (!preparedDomain(*domain)) return malformed("row domain '" + *domain + "' is not a domain");
  row.domain = std::move(*domain);
  auto level = integerMember(j, "level", 0, kMaxLevel);
  if (!level) return base::fail(level.error());
  row.level = *level;
  if (j.contains("expires")) {
    auto expires = integerMember(j, "expires", 0, kMaxTime);
    if (!expires) return base::fail(expires.error());
    row.expires = *expires;
  }
  if (auto it = j.find("addresses"); it != j.end()) {
    if (!it->is_array() || it->empty() || it->size() > kMaxAddressesPerRow) {
      return malformed("row \"addresses\" must be 1.." + std::to_string(kMaxAddressesPerRow) +
                       " strings");
    }
    for (const auto& a : *it) {
      if (!a.is_string() || !validAddress(a.get<std::string>())) {
        return malformed("row " + row.domain + ": an address is not an IP address or range");
      }
      row.addresses.push_back(a.get<std::string>());
    }
  }
  return row;
}

}  // namespace

const Row* TableDocument::find(std::string_view domain) const {
  for (const auto& row : rows) {
    if (asciiEqual(row.domain, domain)) return &row;
  }
  return nullptr;
}

base::Result<TableDocument> parseDocument(std::string_view text) {
  if (text.size() > kMaxDocumentBytes) {
    return malformed("the document is larger than " + std::to_string(kMaxDocumentBytes) + " bytes");
  }
  if (!agent::nestingWithin(text, 4)) return malformed("the document is nested too deeply");
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return malformed("the document is not a JSON object");
  static const std::set<std::string, std::less<>> kKnown = {
      "clearinghouse", "expires", "issued", "rows", "signature", "signer", "version"};
  for (const auto& [key, value] : j.items()) {
    if (!kKnown.contains(key)) return malformed("unknown member \"" + key + "\"");
  }
  TableDocument d;
  auto clearinghouse = stringMember(j, "clearinghouse", 3071);
  if (!clearinghouse) return base::fail(clearinghouse.error());
  d.clearinghouse = std::move(*clearinghouse);
  auto version = integerMember(j, "version", 1, std::numeric_limits<std::int64_t>::max());
  if (!version) return base::fail(version.error());
  d.version = *version;
  auto issued = integerMember(j, "issued", 0, kMaxTime);
  if (!issued) return base::fail(issued.error());
  d.issued = *issued;
  auto expires = integerMember(j, "expires", 0, kMaxTime);
  if (!expires) return base::fail(expires.error());
  d.expires = *expires;
  if (d.expires <= d.issued) return malformed("\"expires\" is not after \"issued\"");
  auto signer = stringMember(j, "signer", kMaxKeyBytes);
  if (!signer) return base::fail(signer.error());
  d.signer = std::move(*signer);
  auto signature = stringMember(j, "signature", kMaxKeyBytes);
  if (!signature) return base::fail(signature.error());
  d.signature = std::move(*signature);

  auto rows = j.find("rows");
  if (rows == j.end() || !rows->is_array()) return malformed("\"rows\" must be an array");
  if (rows->size() > kMaxRows) {
    return malformed("more than " + std::to_string(kMaxRows) + " rows");
  }
  d.rows.reserve(rows->size());
  for (const auto& r : *rows) {
    auto row = parseRow(r);
    if (!row) return base::fail(row.error());
    // Sorted and unique: the canonical form is the only form.
    if (!d.rows.empty() && !(d.rows.back().domain < row->domain)) {
      return malformed("rows are not sorted by domain, or " + row->domain + " appears twice");
    }
    d.rows.push_back(std::move(*row));
  }
  return d;
}

std::string canonicalForm(const TableDocument& d) {
  // Members in byte order: clearinghouse, expires, issued, rows, signer,
  // version (signature, when written, between rows and signer). Rows:
  // addresses, domain, expires, level.
  std::string out = "{\"clearinghouse\":";
  agent::appendJsonString(out, d.clearinghouse);
  out += ",\"expires\":" + std::to_string(d.expires);
  out += ",\"issued\":" + std::to_string(d.issued);
  out += ",\"rows\":[";
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    const Row& r = d.rows[i];
    if (i > 0) out += ',';
    out += '{';
    if (!r.addresses.empty()) {
      out += "\"addresses\":[";
      for (std::size_t k = 0; k < r.addresses.size(); ++k) {
        if (k > 0) out += ',';
        agent::appendJsonString(out, r.addresses[k]);
      }
      out += "],";
    }
    out += "\"domain\":";
    agent::appendJsonString(out, r.domain);
    if (r.expires) out += ",\"expires\":" + std::to_string(*r.expires);
    out += ",\"level\":" + std::to_string(r.level) + '}';
  }
  out += "],\"signer\":";
  agent::appendJsonString(out, d.signer);
  out += ",\"version\":" + std::to_string(d.version) + '}';
  return out;
}

std::string toJson(const TableDocument& d) {
  std::string out = canonicalForm(d);
  const auto signer = out.rfind(",\"signer\":");
  std::string signature = ",\"signature\":";
  agent::appendJsonString(signature, d.signature);
  out.insert(signer, signature);
  return out;
}

std::string signedBytes(const TableDocument& d, std::string_view signatureAlgorithm) {
  std::string out(kSignaturePrefix);
  out += canonicalForm(d);
  out += '\n';
  out += signatureAlgorithm;
  return out;
}

base::Result<void> signDocument(TableDocument& d, std::string_view privateKey,
                                std::string_view signatureAlgorithm) {
  std::string key(privateKey);
  if (auto unquoted = keynote::parseQuotedKey(privateKey); unquoted) key = *unquoted;
  auto publicKey = keynote::publicKeyOf(key);
  if (!publicKey) return base::fail(errc::kSign, "not a private key: " + publicKey.error().message);
  std::sort(d.rows.begin(), d.rows.end(),
            [](const Row& a, const Row& b) { return a.domain < b.domain; });
  d.signer = *publicKey;
  const std::string algorithm = signatureAlgorithm.empty()
                                    ? agent::defaultSignatureAlgorithm(*publicKey)
                                    : std::string(signatureAlgorithm);
  auto canonicalAlgorithm = keynote::signatureAlgorithmOf(algorithm);
  if (!canonicalAlgorithm) {
    return base::fail(errc::kSign, "unknown signature algorithm '" + algorithm + "'");
  }
  auto signature =
      keynote::signBytes(signedBytes(d, *canonicalAlgorithm), *canonicalAlgorithm, key);
  if (!signature) return base::fail(errc::kSign, signature.error().message);
  d.signature = std::move(*signature);
  return {};
}

base::Result<void> verifyDocument(const TableDocument& d, const Expectation& expected) {
  if (d.clearinghouse != expected.clearinghouse) {
    return base::fail(errc::kSigner, "the table is from " + d.clearinghouse + ", not from " +
                                         expected.clearinghouse);
  }
  if (!keynote::sameKey(d.signer, expected.publicKey)) {
    return base::fail(errc::kSigner, "the table is signed by another key than the configured one");
  }
  auto algorithm = keynote::signatureAlgorithmOf(d.signature);
  if (!algorithm) return base::fail(errc::kBadSignature, "signature: " + algorithm.error().message);
  if (!keynote::signatureFitsKey(*algorithm, d.signer)) {
    return base::fail(errc::kBadSignature,
                      "signature algorithm " + *algorithm + " does not fit the signer's key");
  }
  const auto check = keynote::verifySignature(signedBytes(d, *algorithm), d.signer, d.signature);
  if (check != keynote::SignatureCheck::Verified) {
    return base::fail(errc::kBadSignature,
                      "the table's signature: " + std::string(keynote::describe(check)));
  }
  return {};
}

bool isStale(const TableDocument& d, base::SystemTime now) {
  return base::unixSeconds(now) >= d.expires;
}

}  // namespace keyfed::clearinghouse
