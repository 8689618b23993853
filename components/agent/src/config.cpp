// The [agent] section: parsing, checks, and reading the KeyNote policy files.

#include "keyfed/agent/config.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>

#include "keyfed/xmpp/jid.hpp"
#include "keynote/assertion.hpp"

namespace keyfed::agent {
namespace {

using namespace std::chrono_literals;

constexpr std::uintmax_t kMaxPolicyFileBytes = 1 << 20;
// A key or credential file of automatic mode (the request limits are 64 KiB).
constexpr std::uintmax_t kMaxRequestFileBytes = std::uintmax_t{64} * 1024;

base::Result<std::string> readSmallFile(const std::filesystem::path& file,
                                        std::uintmax_t maxBytes) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return base::fail("agent.file", "cannot read " + file.string() + ": " + ec.message());
  if (size > maxBytes) {
    return base::fail("agent.file",
                      file.string() + " is larger than " + std::to_string(maxBytes) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return base::fail("agent.file", "cannot read " + file.string());
  return text;
}

std::filesystem::path resolve(config::TableReader& t, const std::string& name) {
  std::filesystem::path p(name);
  return p.is_absolute() ? p : t.baseDir() / p;
}

void readAutomatic(config::TableReader& t, AgentConfig& c) {
  for (auto& a : t.tables("automatic", 1000)) {
    AutomaticRequest request;
    request.domain = a.string("domain", "", 253);
    auto jid = xmpp::Jid::parse(request.domain);
    if (!jid || !jid->isDomain()) {
      a.error("domain", request.domain.empty() ? "config.missing" : "config.invalid",
              "the peer domain whose agent is asked");
    }
    const std::string key = a.string("key", "", 4096);
    if (key.empty()) {
      a.error("key", "config.missing", "the requester's private key file");
    } else if (auto text = readSmallFile(resolve(t, key), kMaxRequestFileBytes); !text) {
      a.error("key", "config.invalid", text.error().message);
    } else {
      request.key = std::move(*text);
    }
    for (const auto& file : a.strings("credentials", {}, 32, 4096)) {
      if (auto text = readSmallFile(resolve(t, file), kMaxRequestFileBytes); !text) {
        a.error("credentials", "config.invalid", text.error().message);
      } else {
        request.credentials.push_back(std::move(*text));
      }
    }
    for (const auto& pair : a.strings("attributes", {}, 128, 4200)) {
      const auto eq = pair.find('=');
      if (eq == std::string::npos || eq == 0) {
        a.error("attributes", "config.invalid", "'" + pair + "' is not NAME=VALUE");
        continue;
      }
      request.attributes[pair.substr(0, eq)] = pair.substr(eq + 1);
    }
    request.wait = a.seconds("wait", request.wait, 1s, 600s);
    c.automatic.push_back(std::move(request));
  }
}

}  // namespace

const AutomaticRequest* AgentConfig::automaticFor(std::string_view domain) const {
  for (const auto& a : automatic) {
    if (a.domain == domain) return &a;
  }
  return nullptr;
}

std::chrono::seconds AgentConfig::boundFor(std::string_view value) const {
  for (const auto& v : validity) {
    if (v.value == value) return std::min(v.seconds, maxValidity);
  }
  return maxValidity;
}

bool AgentConfig::isMember(std::string_view group, std::string_view bareJid) const {
  for (const auto& g : groups) {
    if (g.name != group) continue;
    return std::find(g.members.begin(), g.members.end(), bareJid) != g.members.end();
  }
  return false;
}

base::Result<std::vector<std::string>> readPolicyFile(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return base::fail("agent.policy", "cannot read " + file.string() + ": " + ec.message());
  if (size > kMaxPolicyFileBytes) {
    return base::fail("agent.policy", file.string() + " is larger than 1 MiB");
  }
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return base::fail("agent.policy", "cannot read " + file.string());
  std::vector<std::string> assertions;
  for (const auto& piece : keynote::splitAssertions(text)) {
    auto parsed = keynote::parseAssertion(piece.text);
    if (!parsed) {
      // Report the position in the file, not in the piece.
      auto e = parsed.error();
      int line = 1;
      for (std::size_t i = 0; i < piece.offset; ++i) line += text[i] == '\n' ? 1 : 0;
      return base::fail("agent.policy", file.string() + ":" + std::to_string(line + e.line - 1) +
                                            ":" + std::to_string(e.column) + ": " + e.code + ": " +
                                            e.message);
    }
    assertions.emplace_back(piece.text);
  }
  if (assertions.empty()) {
    return base::fail("agent.policy", file.string() + " holds no KeyNote assertion");
  }
  return assertions;
}

AgentConfig parseAgentConfig(config::TableReader& t) {
  AgentConfig c;
  c.enabled = t.boolean("enabled", c.enabled);
  for (const auto& name : t.strings("policy_files", {}, 64, 4096)) {
    std::filesystem::path p(name);
    c.policyFiles.push_back(p.is_absolute() ? p : t.baseDir() / p);
  }
  c.complianceValues = t.strings("compliance_values", c.complianceValues, 64, 256);
  c.defaultValidity = t.seconds("default_validity", c.defaultValidity, 1s, 366 * 24h);
  c.maxValidity = t.seconds("max_validity", c.maxValidity, 1s, 366 * 24h);
  c.timestampWindow = t.seconds("timestamp_window", c.timestampWindow, 1s, 24h);
  c.httpsBurst = static_cast<std::size_t>(
      t.integer("https_burst", static_cast<std::int64_t>(c.httpsBurst), 1, 10000));
  c.httpsInterval = t.seconds("https_interval", c.httpsInterval, 1s, 24h);
  c.auditMaxAge = std::chrono::days(
      t.integer("audit_max_age_days", c.auditMaxAge.count(), 0, std::int64_t{100} * 366));
  c.auditMaxRows = static_cast<std::size_t>(
      t.integer("audit_max_rows", static_cast<std::int64_t>(c.auditMaxRows), 0, 1'000'000'000));
  c.auditPruneInterval = t.seconds("audit_prune_interval", c.auditPruneInterval, 1s, 7 * 24h);

  std::set<std::string, std::less<>> values(c.complianceValues.begin(), c.complianceValues.end());
  if (c.complianceValues.size() < 2 || values.size() != c.complianceValues.size()) {
    t.error("compliance_values", "config.invalid",
            "at least two distinct compliance values, lowest first (e.g. [\"false\", \"true\"])");
  }
  for (const auto& v : c.complianceValues) {
    if (v.empty()) t.error("compliance_values", "config.invalid", "a compliance value is empty");
  }
  for (auto& v : t.tables("validity", 64)) {
    ValidityBound b;
    b.value = v.string("value", "", 256);
    b.seconds = v.seconds("seconds", 0s, 1s, 366 * 24h);
    if (!values.contains(b.value) || b.value == c.complianceValues.front()) {
      v.error("value", "config.invalid",
              "must be one of compliance_values other than the first (which refuses)");
    }
    c.validity.push_back(std::move(b));
  }
  for (auto& g : t.tables("group", 1000)) {
    Group group;
    group.name = g.string("name", "", 256);
    if (group.name.empty()) g.error("name", "config.missing", "a group needs a name");
    for (const auto& member : g.strings("members", {}, 100000, 3071)) {
      auto jid = xmpp::Jid::parse(member);
      if (!jid || !jid->hasNode() || jid->hasResource()) {
        g.error("members", "config.invalid", "'" + member + "' is not a bare user JID");
        continue;
      }
      group.members.emplace_back(jid->bareView());
    }
    c.groups.push_back(std::move(group));
  }
  readAutomatic(t, c);
  if (!c.enabled) return c;
  if (c.policyFiles.empty()) {
    t.error("policy_files", "config.missing",
            "the agent needs at least one KeyNote policy file (policy_files)");
  }
  for (const auto& file : c.policyFiles) {
    auto assertions = readPolicyFile(file);
    if (!assertions) {
      t.error("policy_files", "config.invalid", assertions.error().message);
      continue;
    }
    for (auto& a : *assertions) c.policyAssertions.push_back(std::move(a));
  }
  return c;
}

base::Result<void> registerAgentConfig(config::SectionRegistry& registry) {
  return registry.add(std::string(kSectionName),
                      [](config::TableReader& t) -> std::any { return parseAgentConfig(t); });
}

}  // namespace keyfed::agent
