#include "keynote_query.hpp"

#include "keynote/session.hpp"

namespace keyfed::agent {

QueryOutcome runQuery(const AgentConfig& config, const Attributes& attributes,
                      const std::string& requester, const std::vector<std::string>& credentials) {
  QueryOutcome out;
  keynote::Session session(keynote::defaultCryptoProvider());
  std::string notes;
  for (const auto& policy : config.policyAssertions) {
    if (auto added = session.addAssertion(policy, keynote::Trust::Trusted); !added) {
      // Checked when the config was loaded; a failure here is a bug, so refuse.
      out.failed = true;
      out.explanation = "a policy assertion was refused: " + added.error().describe();
      return out;
    }
  }
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    if (auto added = session.addAssertion(credentials[i], keynote::Trust::Untrusted); !added) {
      notes += "Credential " + std::to_string(i + 1) +
               " was not used: " + added.error().describe() + "\n";
    }
  }
  for (const auto& [name, value] : attributes) {
    if (auto set = session.setAction(name, value); !set) {
      out.failed = true;
      out.explanation = "attribute " + name + ": " + set.error().describe();
      return out;
    }
  }
  if (auto added = session.addAuthorizer(requester); !added) {
    out.failed = true;
    out.explanation = "requester: " + added.error().describe();
    return out;
  }
  std::vector<std::string_view> values(config.complianceValues.begin(),
                                       config.complianceValues.end());
  // The decision comes from query(); explain() (slower) only describes it.
  auto answer = session.query(values);
  if (!answer) {
    out.failed = true;
    out.explanation = "query: " + answer.error().describe();
    return out;
  }
  out.value = *answer;
  out.valueName = config.complianceValues.at(out.value);
  auto explained = session.explain(values);
  out.explanation = notes + (explained ? explained->text()
                                       : "(no explanation: " + explained.error().describe() + ")");
  return out;
}

}  // namespace keyfed::agent
