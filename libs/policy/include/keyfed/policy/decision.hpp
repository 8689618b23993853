#pragma once
// A decider's answer and the policy point's combined decision. Every decision
// carries who made it and why, for the log, the stream error text and audits.

#include <string>

namespace keyfed::policy {

enum class Verdict { abstain, allow, deny };

struct Decision {
  Verdict verdict = Verdict::abstain;
  std::string decider;  // "ladder", "static", "keynote", "clearinghouse"
  std::string reason;   // human-readable: "b.test reaches secure, trusted is required"

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
