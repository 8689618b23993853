// Session bookkeeping: assertions and their indexes, principals, action
// attributes and requesters. Queries are in query.cpp.

#include <algorithm>

#include "keynote/keys.hpp"
#include "session_impl.hpp"
#include "text.hpp"

namespace keynote {

using Impl = Session::Impl;

// ---- principals -------------------------------------------------------------

std::string Impl::identityOf(std::string_view text) const {
  // Key principals compare by key (any encoding); others by exact text.
  if (auto canonical = crypto.canonicalKey(text)) return "key:" + *canonical;
  return "opaque:" + std::string(text);
}

std::int32_t Impl::findPrincipal(std::string_view text) {
  auto it = bySpelling.find(std::string(text));
  if (it != bySpelling.end()) return it->second;
  auto id = byIdentity.find(identityOf(text));
  return id == byIdentity.end() ? -1 : id->second;
}

std::int32_t Impl::intern(const std::string& text) {
  auto it = bySpelling.find(text);
  if (it != bySpelling.end()) {
    ++principals[static_cast<std::size_t>(it->second)].refs;
    return it->second;
  }
  std::string identity = identityOf(text);
  // A key that does not decode is nobody (fail closed): a principal of its
  // own that matches nothing, not even the same text elsewhere.
  const bool malformed =
      identity.rfind("opaque:", 0) == 0 && classifyPrincipal(text) == PrincipalKind::MalformedKey;
  std::int32_t pid = -1;
  if (!malformed) {
    auto id = byIdentity.find(identity);
    if (id != byIdentity.end()) pid = id->second;
  }
  if (pid < 0) {
    if (!freePrincipals.empty()) {
      pid = freePrincipals.back();
      freePrincipals.pop_back();
    } else {
      pid = static_cast<std::int32_t>(principals.size());
      principals.emplace_back();
    }
    Principal& p = principals[static_cast<std::size_t>(pid)];
    p = Principal{};
    p.display = text;
    if (!malformed) {
      p.identity = identity;
      byIdentity.emplace(std::move(identity), pid);
    }
  }
  Principal& p = principals[static_cast<std::size_t>(pid)];
  if (!malformed) {
    bySpelling.emplace(text, pid);
    p.spellings.push_back(text);
  }
  ++p.refs;
  return pid;
}

void Impl::release(std::int32_t pid) {
  if (pid < 0) return;
  Principal& p = principals[static_cast<std::size_t>(pid)];
  if (--p.refs > 0) return;
  if (!p.identity.empty()) byIdentity.erase(p.identity);
  for (const std::string& spelling : p.spellings) bySpelling.erase(spelling);
  p = Principal{};
  freePrincipals.push_back(pid);
}

// ---- indexes ------------------------------------------------------------------

void Impl::index(std::uint32_t slot) {
  Entry& e = entries[slot];
  const Assertion& a = *e.a;
  if (!e.valid) return;
  e.authorizer = intern(a.authorizer);
  // An untrusted assertion can only speak for a key that signed it; POLICY
  // is not a key, so such an assertion can never grant anything.
  if (e.trusted || e.authorizer != policy) {
    principals[static_cast<std::size_t>(e.authorizer)].byAuthor.push_back(slot);
  }
  e.leaves.reserve(a.principals.size());
  for (const std::string& p : a.principals) {
    std::int32_t pid = intern(p);
    e.leaves.push_back(pid);
    if (std::find(e.distinct.begin(), e.distinct.end(), pid) == e.distinct.end()) {
      e.distinct.push_back(pid);
      principals[static_cast<std::size_t>(pid)].byLicensee.push_back(slot);
    }
  }
  if (!a.hasLicensees) open.push_back(slot);
}

void Impl::unindex(std::uint32_t slot) {
  Entry& e = entries[slot];
  auto drop = [slot](std::vector<std::uint32_t>& v) {
    v.erase(std::remove(v.begin(), v.end(), slot), v.end());
  };
  if (e.authorizer >= 0) drop(principals[static_cast<std::size_t>(e.authorizer)].byAuthor);
  for (std::int32_t pid : e.distinct) drop(principals[static_cast<std::size_t>(pid)].byLicensee);
  drop(open);
  release(e.authorizer);
  for (std::int32_t pid : e.leaves) release(pid);
  e.authorizer = -1;
  e.leaves.clear();
  e.distinct.clear();
}

// ---- Session ------------------------------------------------------------------

Session::Session(const CryptoProvider& crypto, Limits limits)
    : impl_(std::make_unique<Impl>(crypto, limits)) {
  impl_->policy = impl_->intern("POLICY");
}

Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

const Limits& Session::limits() const {
  return impl_->limits;
}

Outcome<AssertionId> Session::addAssertion(std::string_view text, Trust trust) {
  if (impl_->aliveCount >= impl_->limits.maxAssertions) {
    return makeError("limit", "session already holds " +
                                  std::to_string(impl_->limits.maxAssertions) + " assertions");
  }
  auto parsed = parseAssertionLenient(text, impl_->limits);
  if (!parsed) return parsed.error();
  return addAssertion(std::make_shared<const Assertion>(std::move(parsed.value())), trust);
}

Outcome<AssertionId> Session::addAssertion(std::shared_ptr<const Assertion> assertion,
                                           Trust trust) {
  Impl& s = *impl_;
  if (!assertion) return makeError("invalid", "no assertion");
  if (s.aliveCount >= s.limits.maxAssertions) {
    return makeError(
        "limit", "session already holds " + std::to_string(s.limits.maxAssertions) + " assertions");
  }
  std::uint32_t slot = 0;
  if (!s.freeSlots.empty()) {
    slot = s.freeSlots.back();
    s.freeSlots.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(s.entries.size());
    s.entries.emplace_back();
  }
  Impl::Entry& e = s.entries[slot];
  e = Impl::Entry{};
  e.a = std::move(assertion);
  e.id = s.nextId++;
  e.alive = true;
  e.trusted = trust == Trust::Trusted;
  e.valid = !e.a->error.has_value();
  s.slotOf.emplace(e.id, slot);
  ++s.aliveCount;
  s.index(slot);
  return e.id;
}

bool Session::removeAssertion(AssertionId id) {
  Impl& s = *impl_;
  auto it = s.slotOf.find(id);
  if (it == s.slotOf.end()) return false;
  const std::uint32_t slot = it->second;
  s.slotOf.erase(it);
  s.unindex(slot);
  s.entries[slot] = Impl::Entry{};
  s.freeSlots.push_back(slot);
  --s.aliveCount;
  return true;
}

const Assertion* Session::assertion(AssertionId id) const {
  auto it = impl_->slotOf.find(id);
  return it == impl_->slotOf.end() ? nullptr : impl_->entries[it->second].a.get();
}

std::vector<AssertionId> Session::assertionIds() const {
  std::vector<AssertionId> ids;
  ids.reserve(impl_->slotOf.size());
  for (const auto& [id, slot] : impl_->slotOf) ids.push_back(id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Status Session::setAction(std::string_view name, std::string_view value) {
  Impl& s = *impl_;
  if (name.empty() || name[0] == '_') {
    return makeError("invalid", "action attribute names may not be empty or start with '_' ('" +
                                    std::string(detail::excerpt(name)) + "')");
  }
  if (name.find('\0') != std::string_view::npos || value.find('\0') != std::string_view::npos) {
    return makeError("invalid", "action attribute '" + std::string(detail::excerpt(name)) +
                                    "' contains a NUL byte");
  }
  if (name.size() + value.size() > s.limits.maxAttributeBytes) {
    return makeError("limit", "action attribute '" + std::string(detail::excerpt(name)) +
                                  "' is longer than " + std::to_string(s.limits.maxAttributeBytes) +
                                  " bytes");
  }
  if (s.actions.find(name) == nullptr && s.actions.size() >= s.limits.maxAttributes) {
    return makeError("limit",
                     "more than " + std::to_string(s.limits.maxAttributes) + " action attributes");
  }
  s.actions.set(name, value);
  return okStatus();
}

bool Session::removeAction(std::string_view name) {
  return impl_->actions.erase(name);
}
void Session::clearActions() {
  impl_->actions.clear();
}
void Session::setActionFallback(ActionFallback fallback) {
  impl_->fallback = std::move(fallback);
}

void Impl::rebuildAuthorizerList() {
  // [ref] the most recently added requester comes first.
  authorizerList.clear();
  for (auto it = requesters.rbegin(); it != requesters.rend(); ++it) {
    if (!authorizerList.empty()) authorizerList.push_back(',');
    authorizerList += it->text;
  }
}

Status Session::addAuthorizer(std::string_view principal) {
  Impl& s = *impl_;
  if (principal.empty()) return makeError("invalid", "empty requesting principal");
  if (classifyPrincipal(principal) == PrincipalKind::MalformedKey) {
    return makeError("bad-key", "requesting principal '" + std::string(detail::excerpt(principal)) +
                                    "' names a key algorithm but its key does not decode");
  }
  if (principal.size() > s.limits.maxAttributeBytes) {
    return makeError("limit", "requesting principal longer than " +
                                  std::to_string(s.limits.maxAttributeBytes) + " bytes");
  }
  if (s.requesters.size() >= s.limits.maxAuthorizers) {
    return makeError(
        "limit", "more than " + std::to_string(s.limits.maxAuthorizers) + " requesting principals");
  }
  std::int32_t pid = s.intern(std::string(principal));
  if (s.principals[static_cast<std::size_t>(pid)].identity.empty()) {
    s.release(pid);
    return makeError("bad-key", "requesting principal '" + std::string(detail::excerpt(principal)) +
                                    "' names a key algorithm but its key does not decode");
  }
  ++s.principals[static_cast<std::size_t>(pid)].requester;
  s.requesters.push_back({std::string(principal), pid});
  s.rebuildAuthorizerList();
  return okStatus();
}

bool Session::removeAuthorizer(std::string_view principal) {
  Impl& s = *impl_;
  std::int32_t pid = s.findPrincipal(principal);
  for (auto it = s.requesters.begin(); it != s.requesters.end(); ++it) {
    if (it->text == principal || (pid >= 0 && it->pid == pid)) {
      --s.principals[static_cast<std::size_t>(it->pid)].requester;
      s.release(it->pid);
      s.requesters.erase(it);
      s.rebuildAuthorizerList();
      return true;
    }
  }
  return false;
}

void Session::clearAuthorizers() {
  Impl& s = *impl_;
  for (const auto& r : s.requesters) {
    --s.principals[static_cast<std::size_t>(r.pid)].requester;
    s.release(r.pid);
  }
  s.requesters.clear();
  s.authorizerList.clear();
}

namespace {

std::string signatureFailureText(const Assertion& a, SignatureCheck check) {
  if (!a.hasSignature || a.signature.empty()) return "the credential is not signed";
  switch (check) {
    case SignatureCheck::BadSignature: return "the signature does not verify";
    case SignatureCheck::Malformed: return "the signature or the authorizer key is malformed";
    case SignatureCheck::AlgorithmMismatch:
      return "the signature algorithm does not fit the authorizer key";
    case SignatureCheck::Unsupported: return "the signature algorithm is not supported";
    case SignatureCheck::Verified: break;
  }
  return "the signature was not accepted";
}

}  // namespace

std::string signatureFailure(const Assertion& a, SignatureCheck check) {
  return "signature verification failure: " + signatureFailureText(a, check);
}

std::vector<AssertionFailure> Session::failures() const {
  const Impl& s = *impl_;
  std::vector<AssertionFailure> out;
  for (const Impl::Entry& e : s.entries) {
    if (!e.alive) continue;
    if (!e.valid) {
      out.push_back({e.id, FailureKind::Syntax, e.a->error->describe()});
    } else if (e.sig == Impl::Sig::Bad) {
      out.push_back({e.id, FailureKind::Signature, signatureFailure(*e.a, e.sigCheck)});
    }
  }
  for (const AssertionFailure& f : s.limitFailures) {
    if (s.slotOf.count(f.id) == 0) continue;  // removed since
    bool seen = false;
    for (const AssertionFailure& g : out) seen |= g.id == f.id && g.kind == f.kind;
    if (!seen) out.push_back(f);
  }
  std::stable_sort(
      out.begin(), out.end(),
      [](const AssertionFailure& a, const AssertionFailure& b) { return a.id < b.id; });
  return out;
}

}  // namespace keynote
