#pragma once
// One account's blocked JIDs and the XEP-0191 section 6 (XEP-0016) matching
// rules. Pure: no storage, no server.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::blocking {

class Blocklist {
 public:
  Blocklist() = default;
  // Entries are prepared JIDs (Jid::full()), as stored.
  explicit Blocklist(const std::vector<std::string>& jids);

  // Whether a stanza from (or to) `who` is blocked:
  //   user@domain/resource  only that resource
  //   user@domain           any resource of that user
  //   domain/resource       only that resource of the domain itself (not
  //                         user@domain/resource: an entry never matches by resource alone)
  //   domain                the domain, anything at it, and its subdomains
  [[nodiscard]] bool blocks(const xmpp::Jid& who) const;

  [[nodiscard]] bool empty() const { return jids_.empty(); }
  [[nodiscard]] std::size_t size() const { return jids_.size(); }
  [[nodiscard]] bool contains(std::string_view jid) const { return jids_.contains(jid); }
  // Entries in byte order (what the blocklist iq returns).
  [[nodiscard]] std::vector<std::string> sorted() const;

  void add(const std::string& jid) { jids_.insert(jid); }
  void remove(std::string_view jid);
  void clear() { jids_.clear(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> jids_;
};

}  // namespace keyfed::modules::blocking
