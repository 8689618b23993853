#pragma once
// XMPP addresses (RFC 7622 syntax, prepared with stringprep as RFC 6122 and
// Prosody/ejabberd do: Nodeprep, Nameprep, Resourceprep; see
// docs/xml-and-jids.md for why stringprep rather than PRECIS).
//
// A Jid is always valid and prepared: the only ways to build one are parse()
// and make(), which return an error for input that is not an address. Two
// Jids are equal when their prepared forms are equal.

#include "keyfed/base/result.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace keyfed::xmpp {

class Jid {
 public:
  static constexpr std::size_t kMaxPartBytes = 1023;  // RFC 7622 3.1, after preparation

  // Parses "node@domain/resource" (node and resource optional) and prepares
  // each part. Errors: jid.empty, jid.malformed (empty part, misplaced '@'),
  // jid.node, jid.domain, jid.resource (preparation or validation failed),
  // jid.too-long; Error::where names the part.
  static base::Result<Jid> parse(std::string_view text);
  // Builds from separate parts (node and resource may be empty).
  static base::Result<Jid> make(std::string_view node, std::string_view domain,
                                std::string_view resource = {});

  Jid() = default;  // the empty Jid; valid() is false

  bool valid() const { return !full_.empty(); }
  std::string_view node() const { return std::string_view(full_).substr(0, nodeLen_); }
  std::string_view domain() const;
  std::string_view resource() const;
  bool hasNode() const { return nodeLen_ > 0; }
  bool hasResource() const { return resourceLen_ > 0; }
  bool isBare() const { return resourceLen_ == 0; }
  bool isDomain() const { return nodeLen_ == 0 && resourceLen_ == 0; }

  Jid bare() const;                   // without the resource
  Jid domainJid() const;              // the domain alone
  std::string_view bareView() const;  // "node@domain" or "domain", no copy
  // Same bare JID, new resource (prepared); an error when the resource is invalid.
  base::Result<Jid> withResource(std::string_view resource) const;

  const std::string& full() const { return full_; }
  const std::string& toString() const { return full_; }

  bool operator==(const Jid& other) const { return full_ == other.full_; }
  auto operator<=>(const Jid& other) const { return full_ <=> other.full_; }

 private:
  std::string full_;
  std::size_t nodeLen_ = 0;
  std::size_t domainLen_ = 0;
  std::size_t resourceLen_ = 0;
};

// The individual preparation steps, exposed for account names and tests.
// Each returns the prepared UTF-8 string or an error (code jid.node / jid.domain
// / jid.resource). `strict` refuses unassigned code points (stored strings,
// RFC 3454 section 7): use it when creating accounts.
base::Result<std::string> nodeprep(std::string_view node, bool strict = false);
base::Result<std::string> nameprep(std::string_view domain);
base::Result<std::string> resourceprep(std::string_view resource, bool strict = false);

}  // namespace keyfed::xmpp

template <>
struct std::hash<keyfed::xmpp::Jid> {
  std::size_t operator()(const keyfed::xmpp::Jid& jid) const noexcept {
    return std::hash<std::string>{}(jid.full());
  }
};
