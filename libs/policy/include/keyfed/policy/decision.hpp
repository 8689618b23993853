#pragma once
// A decider's answer and the policy point's combined decision. Every decision
// carries who made it and why, for the log, the stream error text and audits.

#include <optional>
#include <string>

namespace keyfed::policy {

enum class Verdict { abstain, allow, deny };

struct Decision {
  Verdict verdict = Verdict::abstain;
  std::string decider;  // "ladder", "static", "keynote-whitelist", "clearinghouse"
  std::string reason;   // human-readable: "b.test reaches secure, trusted is required"

  // Stanza decisions only (PolicyPoint::decideStanza, docs/policy.md):
  // `silent` on a deny means drop without telling the sender (packet filter
  // "drop"); otherwise a denied stanza is bounced with policy-violation.
  bool silent = false;
  // A rule asked for this stanza to be logged.
  bool log = false;
  // A content filter masked the message body: replace the <body/> text with
  // this (policy::applyBody does it).
  std::optional<std::string> body = std::nullopt;

  [[nodiscard]] bool allowed() const { return verdict == Verdict::allow; }
  static Decision allow(std::string decider, std::string reason) {
    return {Verdict::allow, std::move(decider), std::move(reason)};
  }
  static Decision deny(std::string decider, std::string reason) {
    return {Verdict::deny, std::move(decider), std::move(reason)};
  }
  static Decision abstain() { return {}; }
};

}  // namespace keyfed::policy
