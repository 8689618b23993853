#pragma once
// A KeyNote session (RFC 2704 section 5): assertions, action attributes and
// requesting principals, and queries over them.
//
//   keynote::Session s(keynote::defaultCryptoProvider());
//   s.addAssertion(policyText, keynote::Trust::Trusted);
//   s.addAssertion(credentialText, keynote::Trust::Untrusted);
//   s.setAction("app_domain", "XMPP");
//   s.addAuthorizer(requesterKey);
//   auto r = s.query({"false", "true"});          // index of the answer
//   auto e = s.explain({"false", "true"});        // ... and why
//
// Assertions are indexed by authorizer and by licensee: a query only
// evaluates assertions that lie on some delegation path from POLICY to a
// requester, each at most once. Signature results are kept across queries.
// A Session is not thread-safe; use one per thread (they are cheap) or lock.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "keynote/assertion.hpp"
#include "keynote/crypto_provider.hpp"
#include "keynote/error.hpp"
#include "keynote/explanation.hpp"
#include "keynote/limits.hpp"

namespace keynote {

// Trusted assertions are the local policy (ASSERT_FLAG_LOCAL): never
// signature-checked, and the only ones whose Authorizer may be POLICY.
enum class Trust : std::uint8_t { Trusted, Untrusted };

enum class FailureKind : std::uint8_t {
  Syntax,     // malformed (kn_get_failed KEYNOTE_ERROR_SYNTAX)
  Signature,  // signature did not verify (KEYNOTE_ERROR_SIGNATURE)
  Limit,      // evaluation stopped at a limit (KEYNOTE_ERROR_ANY only)
};

struct AssertionFailure {
  AssertionId id = 0;
  FailureKind kind = FailureKind::Syntax;
  std::string message;
};

// Values of action attributes the session does not hold (the C API's regex
// names and callbacks). Return nullopt for "undefined".
using ActionFallback = std::function<std::optional<std::string>(std::string_view name)>;

class Session {
 public:
  explicit Session(const CryptoProvider& crypto, Limits limits = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Assertions. Text holding a malformed Authorizer, Licensees, Conditions or
  // Signature is still added (it grants nothing and is reported by
  // failures()); a malformed field layout, version or Local-Constants is
  // refused with the error.
  Outcome<AssertionId> addAssertion(std::string_view text, Trust trust);
  Outcome<AssertionId> addAssertion(std::shared_ptr<const Assertion> assertion, Trust trust);
  bool removeAssertion(AssertionId id);
  [[nodiscard]] const Assertion* assertion(AssertionId id) const;
  [[nodiscard]] std::vector<AssertionId> assertionIds() const;

  // Action attributes. Names may not be empty or start with '_' (reserved); names
  // Conditions can refer to directly are [A-Za-z_][A-Za-z0-9_]*, others need `$`.
  Status setAction(std::string_view name, std::string_view value);
  bool removeAction(std::string_view name);
  void clearActions();
  void setActionFallback(ActionFallback fallback);

  // Requesting principals (_ACTION_AUTHORIZERS).
  Status addAuthorizer(std::string_view principal);
  bool removeAuthorizer(std::string_view principal);
  void clearAuthorizers();

  // The compliance value (an index into `values`, which are ascending).
  Outcome<std::size_t> query(std::span<const std::string_view> values);
  Outcome<std::size_t> query(std::span<const std::string> values);
  Outcome<std::size_t> query(std::initializer_list<std::string_view> values) {
    return query(std::span<const std::string_view>(values.begin(), values.size()));
  }
  // The same query, explained. Slower: use it to show a decision, not to make one.
  Outcome<Explanation> explain(std::span<const std::string_view> values);
  Outcome<Explanation> explain(std::initializer_list<std::string_view> values) {
    return explain(std::span<const std::string_view>(values.begin(), values.size()));
  }

  // Assertions known to be bad after the last query, in id order: every
  // malformed assertion, every credential whose signature was found not to
  // verify, and limits hit by the last query.
  [[nodiscard]] std::vector<AssertionFailure> failures() const;

  [[nodiscard]] const Limits& limits() const;

  struct Impl;  // opaque (src/session_impl.hpp)

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace keynote
