#include "keyfed/modules/component_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules {
namespace {

// The domain as a JID domain (nameprep, lowercase), or "" after recording why not.
std::string readDomain(config::TableReader& t, const config::Config& config,
                       std::set<std::string>& seen) {
  if (!t.has("domain")) {
    t.error("", "config.missing", "domain is required");
    return {};
  }
  const std::string text = t.string("domain", "", 1023);
  auto jid = xmpp::Jid::parse(text);
  if (!jid || !jid->isDomain()) {
    t.error("domain", "config.value", "\"" + text + "\" is not a domain name");
    return {};
  }
  std::string domain(jid->domain());
  if (config.findHost(domain) != nullptr) {
    t.error("domain", "config.duplicate",
            domain + " is a virtual host: a component needs a domain of its own");
    return {};
  }
  if (!seen.insert(domain).second) {
    t.error("domain", "config.duplicate", domain + " is the domain of another [[component]]");
    return {};
  }
  return domain;
}

// The first line of a file only its owner may read (the daemon's user), or
// nullopt after recording why not.
std::optional<std::string> readSecretFile(config::TableReader& t) {
  const auto file = t.path("secret_file", {});
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    t.error("secret_file", "config.value", file.string() + ": cannot read (no such file?)");
    return std::nullopt;
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    t.error("secret_file", "config.value",
            file.string() + ": readable by others; chmod 600 it (it holds a secret)");
    return std::nullopt;
  }
  if (st.st_size > static_cast<off_t>(kMaxSecretBytes + 2)) {
    t.error("secret_file", "config.value", file.string() + ": too large for a secret");
    return std::nullopt;
  }
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string readSecret(config::TableReader& t) {
  const bool inline_ = t.has("secret");
  const bool file = t.has("secret_file");
  if (inline_ && file) {
    (void)t.string("secret", "", kMaxSecretBytes);  // read, so not also reported as unknown
    (void)t.path("secret_file", {});
    t.error("secret_file", "config.duplicate", "give exactly one of secret and secret_file");
    return {};
  }
  if (!inline_ && !file) {
    t.error("", "config.missing", "give exactly one of secret and secret_file");
    return {};
  }
  auto secret = inline_ ? std::optional<std::string>(t.string("secret", "", kMaxSecretBytes))
                        : readSecretFile(t);
  if (!secret) return {};
  if (secret->size() < kMinSecretBytes || secret->size() > kMaxSecretBytes) {
    t.error(inline_ ? "secret" : "secret_file", "config.value",
            "the secret must have " + std::to_string(kMinSecretBytes) + " to " +
                std::to_string(kMaxSecretBytes) + " bytes (found " +
                std::to_string(secret->size()) + ")");
    return {};
  }
  return std::move(*secret);
}

ComponentEntry readEntry(config::TableReader& t, const config::Config& config,
                         std::set<std::string>& seen) {
  ComponentEntry e;
  e.domain = readDomain(t, config, seen);
  e.secret = readSecret(t);
  e.name = t.string("name", "", 256);
  using std::chrono::seconds;
  e.idleTimeout = t.seconds("idle_timeout", seconds{0}, seconds{0}, seconds{7 * 24 * 3600});
  return e;
}

}  // namespace

base::Result<void> registerComponentConfig(config::SectionRegistry& registry) {
  return registry.addArray(
      "component",
      [](std::vector<config::TableReader>& entries, const config::Config& config) -> std::any {
        ComponentsConfig c;
        std::set<std::string> seen;
        for (config::TableReader& t : entries) c.components.push_back(readEntry(t, config, seen));
        const bool listening =
            std::any_of(config.listeners.begin(), config.listeners.end(),
                        [](const auto& l) { return l.type == config::ListenerType::component; });
        if (!entries.empty() && !listening) {
          entries.front().error("", "config.missing",
                                "components connect to a [[listener]] of type \"component\": "
                                "add one (loopback, docs/components.md)");
        }
        return c;
      },
      kMaxComponents);
}

const std::vector<ComponentEntry>& componentEntries(const config::Config& config) {
  static const std::vector<ComponentEntry> none;
  const auto* section = config.section<ComponentsConfig>("component");
  return section != nullptr ? section->components : none;
}

}  // namespace keyfed::modules
