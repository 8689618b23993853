#include "keyfed/xmpp/jid.hpp"

#include "utf8.hpp"

#include <arpa/inet.h>
#include <idna.h>
#include <stringprep.h>

#include <array>
#include <cstdlib>
#include <memory>

namespace keyfed::xmpp {

namespace {

// Raw input bound, checked before any preparation work. Preparation can only
// shrink a part by dropping "mapped to nothing" characters, so this leaves
// room for odd but valid input while bounding the cost of hostile input.
constexpr std::size_t kMaxRawBytes = 3 * Jid::kMaxPartBytes;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }  // NOLINT: libidn allocates with malloc
};

struct Profile {
  const char* name;              // libidn's name for it
  bool foldsCase;                // table B.2
  std::string_view asciiBanned;  // printable ASCII characters the profile prohibits
};
constexpr Profile kNodeprep{"Nodeprep", true, "\"&'/:<>@"};  // RFC 6122 A.5
constexpr Profile kResourceprep{"Resourceprep", false, ""};
constexpr Profile kNameprep{"Nameprep", true, ""};

// Most JID parts are printable ASCII (U+0021..U+007E), and for those the
// stringprep profiles reduce to: table B.2 maps A-Z to a-z, nothing maps to
// nothing (B.1), NFKC changes nothing, no bidirectional rules apply, and only
// Nodeprep's own list prohibits any of them. libidn converts to UCS-4 and
// back with several allocations: it was 16 % of the server's CPU when routing
// messages. Anything else (space, controls, non-ASCII) still goes to libidn.
bool prepareAscii(std::string_view in, const Profile& profile, std::string& out) {
  for (char c : in) {
    if (c < '!' || c > '~' || profile.asciiBanned.find(c) != std::string_view::npos) return false;
  }
  out.assign(in);
  if (profile.foldsCase) {
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return true;
}

base::Result<std::string> prepare(std::string_view in, const Profile& profile, bool strict,
                                  const char* code, const char* part) {
  if (in.size() > kMaxRawBytes) return base::fail("jid.too-long", "part too long", part);
  std::string result;
  if (!prepareAscii(in, profile, result)) {
    if (!detail::isUtf8WithoutNul(in)) return base::fail(code, "not valid UTF-8", part);
    std::string input(in);
    char* raw = nullptr;
    int rc = stringprep_profile(input.c_str(), &raw, profile.name,
                                strict ? STRINGPREP_NO_UNASSIGNED : Stringprep_profile_flags{});
    std::unique_ptr<char, FreeDeleter> out(raw);
    if (rc != STRINGPREP_OK || out == nullptr) {
      return base::fail(code,
                        std::string(profile.name) +
                            " failed: " + stringprep_strerror(static_cast<Stringprep_rc>(rc)),
                        part);
    }
    result = out.get();
  }
  if (result.empty()) return base::fail(code, "empty after preparation", part);
  if (result.size() > Jid::kMaxPartBytes) {
    return base::fail("jid.too-long", "longer than 1023 bytes", part);
  }
  return result;
}

bool isAsciiHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// IDNA label separators besides '.': U+3002, U+FF0E, U+FF61 (RFC 3490 3.1).
std::string unifyDots(std::string_view s) {
  static constexpr std::array<std::string_view, 3> kDots = {"\xE3\x80\x82", "\xEF\xBC\x8E",
                                                            "\xEF\xBD\xA1"};
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (std::string_view d : kDots) {
      if (s.substr(i, d.size()) == d) {
        out += '.';
        i += d.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += s[i++];
  }
  return out;
}

base::Result<std::string> prepareIpLiteral(std::string_view domain) {
  if (domain.size() < 3 || domain.back() != ']' || domain.size() > 64) {
    return base::fail("jid.domain", "malformed IPv6 literal", "domain");
  }
  std::string inner(domain.substr(1, domain.size() - 2));
  unsigned char buf[16];
  if (inet_pton(AF_INET6, inner.c_str(), buf) != 1) {
    return base::fail("jid.domain", "malformed IPv6 literal", "domain");
  }
  // Canonical text form, so that [::1] and [0:0::1] are the same JID.
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, buf, text, sizeof text) == nullptr) {
    return base::fail("jid.domain", "malformed IPv6 literal", "domain");
  }
  // Built with append: g++ 12 -O3 warns falsely (-Wrestrict) on "[" + std::string(...).
  std::string out;
  out += '[';
  out += text;
  out += ']';
  return out;
}

bool looksLikeIpv4(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

}  // namespace

base::Result<std::string> nodeprep(std::string_view node, bool strict) {
  return prepare(node, kNodeprep, strict, "jid.node", "node");
}

base::Result<std::string> resourceprep(std::string_view resource, bool strict) {
  return prepare(resource, kResourceprep, strict, "jid.resource", "resource");
}

base::Result<std::string> nameprep(std::string_view domain) {
  if (domain.empty()) return base::fail("jid.domain", "empty domain", "domain");
  if (domain.front() == '[') return prepareIpLiteral(domain);
  std::string d = unifyDots(domain);
  // RFC 7622 3.2: a trailing label separator is stripped.
  if (!d.empty() && d.back() == '.') d.pop_back();
  auto prepared = prepare(d, kNameprep, false, "jid.domain", "domain");
  if (!prepared) return prepared;
  std::string& p = *prepared;
  // Checked after Nameprep, which maps e.g. fullwidth digits to ASCII ones:
  // anything made of digits and dots must be a dotted-quad IPv4 address.
  if (looksLikeIpv4(p)) {
    unsigned char buf[4];
    if (inet_pton(AF_INET, p.c_str(), buf) != 1) {
      return base::fail("jid.domain", "malformed IPv4 address", "domain");
    }
    return prepared;
  }
  // Nameprep case-folds and normalises; these are the DNS rules on top of it.
  std::size_t labelStart = 0;
  for (std::size_t i = 0; i <= p.size(); ++i) {
    if (i < p.size() && p[i] != '.') {
      auto c = static_cast<unsigned char>(p[i]);
      if (c < 0x80 && !isAsciiHostChar(p[i])) {
        return base::fail("jid.domain", "character not allowed in a domain name", "domain");
      }
      continue;
    }
    if (i == labelStart) return base::fail("jid.domain", "empty label", "domain");
    labelStart = i + 1;
  }
  // The ACE form must exist and fit DNS limits (63 per label, 253 in all).
  char* ace = nullptr;
  int rc = idna_to_ascii_8z(p.c_str(), &ace, IDNA_ALLOW_UNASSIGNED);
  std::unique_ptr<char, FreeDeleter> aceOwner(ace);
  if (rc != IDNA_SUCCESS || ace == nullptr) {
    return base::fail(
        "jid.domain",
        std::string("not a valid domain name: ") + idna_strerror(static_cast<Idna_rc>(rc)),
        "domain");
  }
  std::string_view aceView(ace);
  if (aceView.size() > 253) return base::fail("jid.domain", "domain name too long", "domain");
  return prepared;
}

base::Result<Jid> Jid::make(std::string_view node, std::string_view domain,
                            std::string_view resource) {
  auto d = nameprep(domain);
  if (!d) return base::fail(std::move(d).error());
  std::string n;
  if (!node.empty()) {
    auto prepared = nodeprep(node);
    if (!prepared) return base::fail(std::move(prepared).error());
    n = std::move(*prepared);
  }
  std::string r;
  if (!resource.empty()) {
    auto prepared = resourceprep(resource);
    if (!prepared) return base::fail(std::move(prepared).error());
    r = std::move(*prepared);
  }
  Jid j;
  j.full_.reserve(n.size() + d->size() + r.size() + 2);
  if (!n.empty()) {
    j.full_ += n;
    j.full_ += '@';
  }
  j.full_ += *d;
  if (!r.empty()) {
    j.full_ += '/';
    j.full_ += r;
  }
  j.nodeLen_ = n.size();
  j.domainLen_ = d->size();
  j.resourceLen_ = r.size();
  return j;
}

base::Result<Jid> Jid::parse(std::string_view text) {
  if (text.empty()) return base::fail("jid.empty", "empty address");
  if (text.size() > 3 * kMaxRawBytes + 2) return base::fail("jid.too-long", "address too long");
  // RFC 7622 3.1: the resource is everything after the first '/', the node
  // everything before the first '@' that precedes it.
  std::string_view resource;
  std::size_t slash = text.find('/');
  std::string_view head = text;
  if (slash != std::string_view::npos) {
    resource = text.substr(slash + 1);
    head = text.substr(0, slash);
    if (resource.empty())
      return base::fail("jid.malformed", "empty resource after '/'", "resource");
  }
  std::string_view node;
  std::string_view domain = head;
  std::size_t at = head.find('@');
  if (at != std::string_view::npos) {
    node = head.substr(0, at);
    domain = head.substr(at + 1);
    if (node.empty()) return base::fail("jid.malformed", "empty node before '@'", "node");
  }
  if (domain.empty()) return base::fail("jid.malformed", "empty domain", "domain");
  return make(node, domain, resource);
}

std::string_view Jid::domain() const {
  return std::string_view(full_).substr(nodeLen_ > 0 ? nodeLen_ + 1 : 0, domainLen_);
}

std::string_view Jid::resource() const {
  if (resourceLen_ == 0) return {};
  return std::string_view(full_).substr(full_.size() - resourceLen_);
}

std::string_view Jid::bareView() const {
  return std::string_view(full_).substr(0, (nodeLen_ > 0 ? nodeLen_ + 1 : 0) + domainLen_);
}

Jid Jid::bare() const {
  Jid j;
  j.full_ = std::string(bareView());
  j.nodeLen_ = nodeLen_;
  j.domainLen_ = domainLen_;
  return j;
}

Jid Jid::domainJid() const {
  Jid j;
  j.full_ = std::string(domain());
  j.domainLen_ = domainLen_;
  return j;
}

base::Result<Jid> Jid::withResource(std::string_view resource) const {
  if (!valid()) return base::fail("jid.malformed", "no address to add a resource to");
  Jid j = bare();
  if (resource.empty()) return j;
  auto r = resourceprep(resource);
  if (!r) return base::fail(std::move(r).error());
  j.full_ += '/';
  j.full_ += *r;
  j.resourceLen_ = r->size();
  return j;
}

}  // namespace keyfed::xmpp
