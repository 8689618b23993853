#include "builtin.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

namespace keyfed::config::detail {
namespace {

using std::chrono::seconds;
using namespace std::chrono_literals;

constexpr std::int64_t kMiB = 1 << 20;
// sockaddr_un::sun_path holds 108 bytes including the terminating NUL.
constexpr std::size_t kMaxSocketPath = 107;

const std::vector<std::string_view>& knownMechanisms() {
  static const std::vector<std::string_view> names = {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
                                                      "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"};
  return names;
}

void readServer(TableReader t, ServerConfig& out) {
  out.dataDir = t.path("data_dir", "data");
  if (out.dataDir.empty()) t.error("data_dir", "config.value", "must not be empty");
  static const std::vector<std::string_view> levels = {"trace", "debug", "info",
                                                       "warn",  "error", "off"};
  static const std::array<base::LogLevel, 6> values = {base::LogLevel::trace, base::LogLevel::debug,
                                                       base::LogLevel::info,  base::LogLevel::warn,
                                                       base::LogLevel::error, base::LogLevel::off};
  out.logLevel = values.at(t.choice("log_level", levels, 2));
  out.logFile = t.path("log_file", "");
  out.adminSocket = t.path("admin_socket", "data/keyfed.sock");
  if (out.adminSocket.native().size() > kMaxSocketPath) {
    t.error("admin_socket", "config.range",
            "resolves to " + out.adminSocket.string() + ", longer than the " +
                std::to_string(kMaxSocketPath) + " bytes a Unix socket path may have");
  }
  out.pidFile = t.path("pid_file", "");
}

void readStorage(TableReader t, const ServerConfig& server, StorageConfig& out) {
  out.backend = t.choice("backend", {"sqlite", "postgres"}, 0) == 0 ? StorageBackend::sqlite
                                                                    : StorageBackend::postgres;
  out.path = t.path("path", "keyfed.db", server.dataDir);
  out.url = t.string("url", "");
  out.busyTimeout = t.seconds("busy_timeout", out.busyTimeout, 0s, 3600s);
  out.connections = static_cast<std::size_t>(
      t.integer("connections", static_cast<std::int64_t>(out.connections), 1, 64));
  if (out.backend == StorageBackend::sqlite) {
    if (t.has("url")) t.error("url", "config.value", "only valid with backend = \"postgres\"");
    if (out.path.empty()) t.error("path", "config.value", "must not be empty");
  } else {
    if (t.has("path")) t.error("path", "config.value", "only valid with backend = \"sqlite\"");
    if (out.url.empty()) t.error("url", "config.missing", "required with backend = \"postgres\"");
  }
}

void readTls(TableReader t, TlsConfig& out) {
  out.minVersion =
      t.choice("min_version", {"1.2", "1.3"}, 0) == 0 ? TlsVersion::tls12 : TlsVersion::tls13;
  out.ciphers = t.string("ciphers", kDefaultCiphers);
  const bool cipherChars = std::all_of(out.ciphers.begin(), out.ciphers.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("-_:+!@=.,").find(c) != std::string_view::npos;
  });
  if (out.ciphers.empty() || !cipherChars) {
    t.error("ciphers", "config.value", "must be a non-empty OpenSSL cipher list");
  }
  out.caFile = t.path("ca_file", "");
}

std::size_t size(TableReader& t, std::string_view key, std::size_t fallback, std::int64_t min,
                 std::int64_t max) {
  return static_cast<std::size_t>(t.integer(key, static_cast<std::int64_t>(fallback), min, max));
}

void readLimits(TableReader t, LimitsConfig& out) {
  out.c2sStanzaSize = size(t, "c2s_stanza_size", out.c2sStanzaSize, 1024, 64 * kMiB);
  out.s2sStanzaSize = size(t, "s2s_stanza_size", out.s2sStanzaSize, 1024, 64 * kMiB);
  out.xmlDepth = size(t, "xml_depth", out.xmlDepth, 4, 1024);
  out.xmlAttributes = size(t, "xml_attributes", out.xmlAttributes, 1, 1024);
  out.xmlText = size(t, "xml_text", out.xmlText, 1, 64 * kMiB);
  out.c2sIdleTimeout = t.seconds("c2s_idle_timeout", out.c2sIdleTimeout, 1s, 86400s);
  out.s2sIdleTimeout = t.seconds("s2s_idle_timeout", out.s2sIdleTimeout, 1s, 86400s);
  out.authTimeout = t.seconds("auth_timeout", out.authTimeout, 1s, 3600s);
  out.authFailures =
      static_cast<std::uint32_t>(t.integer("auth_failures", out.authFailures, 1, 1000));
  out.authFailureWindow = t.seconds("auth_failure_window", out.authFailureWindow, 1s, 86400s);
  out.offlinePerUser = size(t, "offline_per_user", out.offlinePerUser, 0, 100000);
}

void readC2s(TableReader t, C2sConfig& out) {
  out.requireTls = t.boolean("require_tls", true);
  const auto& known = knownMechanisms();
  std::vector<std::string> fallback(known.begin(), known.end());
  out.mechanisms = t.strings("mechanisms", fallback, 16, 64);
  std::set<std::string> seen;
  for (const auto& m : out.mechanisms) {
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      t.error("mechanisms", "config.value",
              "unknown SASL mechanism \"" + m +
                  "\" (known: SCRAM-SHA-256-PLUS, SCRAM-SHA-1-PLUS, SCRAM-SHA-256, "
                  "SCRAM-SHA-1, PLAIN)");
    } else if (!seen.insert(m).second) {
      t.error("mechanisms", "config.duplicate", "\"" + m + "\" listed twice");
    }
  }
  if (t.has("mechanisms") && out.mechanisms.empty()) {
    t.error("mechanisms", "config.value", "must name at least one mechanism");
  }
  out.allowRegistration = t.boolean("allow_registration", false);
}

std::vector<TableReader> readHosts(TableReader& root, std::vector<VirtualHost>& out) {
  std::map<std::string, std::string> firstSeen;  // domain -> key path of its first entry
  std::vector<TableReader> readers = root.tables("virtual_host", kMaxVirtualHosts);
  for (TableReader& t : readers) {
    VirtualHost h;
    if (!t.has("domain")) {
      t.error("", "config.missing", "domain is required");
    } else {
      h.domain = t.string("domain", "", 1023);
      std::string why;
      if (!normalizeDomain(h.domain, why)) {
        t.error("domain", "config.value", why);
      } else if (auto [it, inserted] = firstSeen.emplace(h.domain, t.keyPath()); !inserted) {
        t.error("domain", "config.duplicate",
                "virtual host \"" + h.domain + "\" is already defined by " + it->second);
      }
    }
    // Default file names follow the domain, as `make run` creates them.
    const std::string stem = h.domain.empty() ? "localhost" : h.domain;
    h.certificate = t.path("certificate", "certs/" + stem + ".crt");
    h.key = t.path("key", "certs/" + stem + ".key");
    if (h.certificate.empty() != h.key.empty()) {
      t.error(h.certificate.empty() ? "certificate" : "key", "config.value",
              "certificate and key must be given together (or both be \"\")");
    }
    if (t.has("allow_registration")) {
      h.allowRegistration = t.boolean("allow_registration", false);
    }
    out.push_back(std::move(h));
  }
  return readers;
}

bool validAddress(const std::string& address) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(AF_INET, address.c_str(), buf.data()) == 1 ||
         inet_pton(AF_INET6, address.c_str(), buf.data()) == 1;
}

void readListeners(TableReader& root, std::vector<Listener>& out) {
  static const std::vector<std::string_view> types = {
      "c2s", "c2s_direct_tls", "s2s", "s2s_direct_tls", "https", "component"};
  std::map<std::pair<std::string, std::uint16_t>, std::string> bound;
  for (TableReader t : root.tables("listener", kMaxListeners)) {
    Listener l;
    l.type = static_cast<ListenerType>(t.choice("type", types, 0));
    l.address = t.string("address", "127.0.0.1", 64);
    if (!validAddress(l.address)) {
      t.error("address", "config.value",
              "\"" + l.address + "\" is not an IPv4 or IPv6 address literal");
    }
    l.port = static_cast<std::uint16_t>(t.integer("port", defaultPort(l.type), 0, 65535));
    if (l.port != 0) {
      auto [it, inserted] = bound.emplace(std::make_pair(l.address, l.port), t.keyPath());
      if (!inserted) {
        t.error(
            "port", "config.duplicate",
            l.address + " port " + std::to_string(l.port) + " is already used by " + it->second);
      }
    }
    out.push_back(std::move(l));
  }
}

// What needs several sections: hosts to serve, certificates for TLS.
void crossCheck(TableReader& root, std::vector<TableReader>& hosts, const Config& c) {
  // A present but invalid array was reported already; do not pile on.
  if (c.virtualHosts.empty() && !root.has("virtual_host")) {
    root.error(c.listeners.empty() ? "" : "listener", "config.missing",
               "at least one [[virtual_host]] is required");
  }
  if (c.listeners.empty() && !root.has("listener")) {
    root.error("", "config.missing", "at least one [[listener]] is required");
  }
  std::string tlsListener;
  for (const Listener& l : c.listeners) {
    const bool needsCert = l.type == ListenerType::c2sDirectTls ||
                           l.type == ListenerType::s2sDirectTls || l.type == ListenerType::https ||
                           (l.type == ListenerType::c2s && c.c2s.requireTls);
    if (needsCert) {
      tlsListener = std::string(toString(l.type));
      break;
    }
  }
  if (tlsListener.empty()) return;
  for (std::size_t i = 0; i < c.virtualHosts.size() && i < hosts.size(); ++i) {
    if (c.virtualHosts[i].certificate.empty()) {
      hosts[i].error("certificate", "config.missing",
                     "required: listener type " + tlsListener + " needs TLS");
    }
  }
}

}  // namespace

bool normalizeDomain(std::string& domain, std::string& why) {
  if (domain.empty() || domain.size() > 253) {
    why = "must be 1 to 253 bytes long";
    return false;
  }
  std::size_t labelStart = 0;
  for (std::size_t i = 0; i <= domain.size(); ++i) {
    if (i == domain.size() || domain[i] == '.') {
      const std::size_t len = i - labelStart;
      if (len == 0 || len > 63) {
        why = "\"" + domain + "\" is not a domain name: each label must have 1 to 63 bytes";
        return false;
      }
      if (domain[labelStart] == '-' || domain[i - 1] == '-') {
        why = "\"" + domain + "\" is not a domain name: a label starts or ends with '-'";
        return false;
      }
      labelStart = i + 1;
      continue;
    }
    auto& ch = domain[i];
    const auto u = static_cast<unsigned char>(ch);
    if (ch >= 'A' && ch <= 'Z') {
      ch = static_cast<char>(ch - 'A' + 'a');
    } else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || u >= 0x80)) {
      why = "\"" + domain + "\" is not a domain name: character '" + std::string(1, ch) +
            "' is not allowed";
      return false;
    }
  }
  return true;
}

void readBuiltinSections(TableReader& root, Config& out) {
  readServer(root.tableOrEmpty("server"), out.server);
  readStorage(root.tableOrEmpty("storage"), out.server, out.storage);
  readTls(root.tableOrEmpty("tls"), out.tls);
  readLimits(root.tableOrEmpty("limits"), out.limits);
  readC2s(root.tableOrEmpty("c2s"), out.c2s);
  std::vector<TableReader> hosts = readHosts(root, out.virtualHosts);
  readListeners(root, out.listeners);
  crossCheck(root, hosts, out);
}

}  // namespace keyfed::config::detail
