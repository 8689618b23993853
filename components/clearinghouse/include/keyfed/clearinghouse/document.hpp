#pragma once
// The signed table document of policy push (docs/clearinghouse.md, "The table
// document"): the community table, the clearinghouse that signed it, a version
// that only goes up and the document's own expiry, as canonical JSON signed
// with the clearinghouse's KeyNote key. No I/O, no clock: time is an argument.
//
//   {"clearinghouse":"ch.example","expires":1767312000,"issued":1767225600,
//    "rows":[{"addresses":["192.0.2.7"],"domain":"a.example","level":3},
//            {"domain":"b.example","expires":1767300000,"level":2}],
//    "signature":"sig-ed25519-sha512-hex:...","signer":"ed25519-hex:...","version":42}

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"

namespace keyfed::clearinghouse {

inline constexpr int kFormatVersion = 0;
// Prefix of the signed bytes: a table signature can never be mistaken for a
// signature over a KeyNote assertion or a FAC request.
inline constexpr std::string_view kSignaturePrefix = "keyfed-clearinghouse-table:0\n";

// Hard limits on a document read from the network.
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{4} << 20;
inline constexpr std::size_t kMaxRows = 100000;
inline constexpr std::size_t kMaxAddressesPerRow = 64;
inline constexpr std::size_t kMaxDomainBytes = 1023;
inline constexpr std::int64_t kMaxLevel = 1000;

// Error codes of refused documents.
namespace errc {
inline constexpr const char* kMalformed = "table.malformed";         // not the document format
inline constexpr const char* kSigner = "table.signer";               // another key, another JID
inline constexpr const char* kBadSignature = "table.bad-signature";  // does not verify
inline constexpr const char* kReplay = "table.replay";               // version not above ours
inline constexpr const char* kExpired = "table.expired";             // past its expiry
inline constexpr const char* kSign = "table.sign";                   // cannot sign (our key)
}  // namespace errc

struct Row {
  std::string domain;                   // a prepared domain name
  std::int64_t level = 0;               // 0..kMaxLevel
  std::vector<std::string> addresses;   // IP literals or CIDR ranges; empty: any address
  std::optional<std::int64_t> expires;  // Unix seconds; the row counts until then

  bool operator==(const Row&) const = default;
};

struct TableDocument {
  std::string clearinghouse;  // the clearinghouse's JID (its publish-subscribe service)
  std::int64_t version = 0;   // >= 1; a member accepts only higher versions
  std::int64_t issued = 0;    // Unix seconds
  std::int64_t expires = 0;   // Unix seconds; after it the table is stale
  std::vector<Row> rows;      // sorted by domain, no domain twice
  std::string signer;         // the clearinghouse's KeyNote public key
  std::string signature;      // "sig-...:...", over signedBytes()

  // The row of `domain` (exact, ASCII case-insensitive), if any.
  [[nodiscard]] const Row* find(std::string_view domain) const;
};

// Reads a document strictly (unknown members, wrong types, unsorted or
// duplicate rows, malformed domains or addresses, limits: table.malformed).
// Does not check the signature.
base::Result<TableDocument> parseDocument(std::string_view json);
// The canonical JSON without "signature": members sorted by their bytes, no
// whitespace, optional members omitted when absent.
std::string canonicalForm(const TableDocument& document);
// The document as JSON text (canonical order, with the signature).
std::string toJson(const TableDocument& document);
// kSignaturePrefix + canonicalForm + "\n" + the signature algorithm name.
std::string signedBytes(const TableDocument& document, std::string_view signatureAlgorithm);

// Sorts the rows, sets `signer` from the private key (a keynote keygen key,
// quoted or not) and signs (algorithm "": the key's default).
base::Result<void> signDocument(TableDocument& document, std::string_view privateKey,
                                std::string_view signatureAlgorithm = {});

// What a member expects of a document.
struct Expectation {
  std::string clearinghouse;  // the configured clearinghouse JID
  std::string publicKey;      // the configured clearinghouse key
};
// Checks the signer (the configured key and JID) and the signature.
base::Result<void> verifyDocument(const TableDocument& document, const Expectation& expected);

// Whether the document is past its expiry at `now`.
bool isStale(const TableDocument& document, base::SystemTime now);

}  // namespace keyfed::clearinghouse
