#pragma once
// The server configuration (docs/config.md) as plain values. loadConfig() reads
// the TOML file, applies the documented defaults, resolves relative paths and
// validates everything; a Config that exists is a Config the server may use.

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::config {

struct ServerConfig {
  std::filesystem::path dataDir;  // absolute; created by the server (0700)
  base::LogLevel logLevel = base::LogLevel::info;
  std::filesystem::path logFile;      // empty: stderr
  std::filesystem::path adminSocket;  // absolute
  std::filesystem::path pidFile;      // empty: none
};

enum class StorageBackend { sqlite, postgres };

struct StorageConfig {
  StorageBackend backend = StorageBackend::sqlite;
  std::filesystem::path path;  // sqlite: absolute (relative values are taken from data_dir)
  std::string url;             // postgres only
  std::chrono::seconds busyTimeout{5};
  std::size_t connections = 4;  // sqlite: connection pool size (docs/storage.md)
};

enum class TlsVersion { tls12, tls13 };

struct TlsConfig {
  TlsVersion minVersion = TlsVersion::tls12;
  std::string ciphers;           // OpenSSL TLS 1.2 cipher list (default: Mozilla intermediate)
  std::filesystem::path caFile;  // empty: system store
};

// The default TLS 1.2 cipher list (Mozilla "intermediate", v5.7).
extern const char* const kDefaultCiphers;

struct LimitsConfig {
  std::size_t c2sStanzaSize = 262144;
  std::size_t s2sStanzaSize = 524288;
  std::size_t xmlDepth = 64;
  std::size_t xmlAttributes = 64;
  std::size_t xmlText = 262144;
  std::chrono::seconds c2sIdleTimeout{600};
  std::chrono::seconds s2sIdleTimeout{900};
  std::chrono::seconds authTimeout{30};
  std::uint32_t authFailures = 5;
  std::chrono::seconds authFailureWindow{60};
  std::size_t offlinePerUser = 1000;  // 0: offline storage disabled
};

struct C2sConfig {
  bool requireTls = true;
  // Validated SASL mechanism names in preference order, no duplicates.
  std::vector<std::string> mechanisms;
  bool allowRegistration = false;
};

struct VirtualHost {
  std::string domain;                 // ASCII letters lowercased; unique among virtual hosts
  std::filesystem::path certificate;  // absolute, or empty when set to "" in the file
  std::filesystem::path key;
  std::optional<bool> allowRegistration;  // per-host override of c2s.allow_registration

  bool registrationAllowed(const C2sConfig& c2s) const {
    return allowRegistration.value_or(c2s.allowRegistration);
  }
};

// component: XEP-0114 external components (modules/component, docs/components.md).
enum class ListenerType { c2s, c2sDirectTls, s2s, s2sDirectTls, https, component };

// "c2s", "c2s_direct_tls", "s2s", "s2s_direct_tls", "https", "component": the
// names used in the file.
std::string_view toString(ListenerType type);
// Port used when a [[listener]] has no `port`.
std::uint16_t defaultPort(ListenerType type);

struct Listener {
  ListenerType type = ListenerType::c2s;
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal (validated)
  std::uint16_t port = 5222;          // 0: pick a free port
};

struct Config {
  std::filesystem::path file;     // absolute path of the file that was read
  std::filesystem::path baseDir;  // its directory: relative paths start here
  ServerConfig server;
  StorageConfig storage;
  TlsConfig tls;
  LimitsConfig limits;
  C2sConfig c2s;
  std::vector<VirtualHost> virtualHosts;
  std::vector<Listener> listeners;
  // Values produced by registered section parsers (section.hpp), by section name.
  std::map<std::string, std::any, std::less<>> sections;

  // The virtual host with this domain (ASCII case-insensitive), or nullptr.
  const VirtualHost* findHost(std::string_view domain) const;

  // The value a registered parser produced for `name`, or nullptr if no parser
  // was registered under that name or it produced another type.
  template <class T>
  const T* section(std::string_view name) const {
    auto it = sections.find(name);
    return it == sections.end() ? nullptr : std::any_cast<T>(&it->second);
  }
};

// Reads and validates the file. On failure the Error has code "config.invalid"
// (or "config.io" when the file cannot be read), `where` = the file, and a
// message with one line per problem: "FILE:LINE:COLUMN: key.path: message".
base::Result<Config> loadConfig(const std::filesystem::path& path,
                                const SectionRegistry& registry = SectionRegistry{});

// Same, from text; `virtualPath` names the file in messages and its directory
// anchors relative paths.
base::Result<Config> loadConfigFromString(std::string_view text,
                                          const std::filesystem::path& virtualPath,
                                          const SectionRegistry& registry = SectionRegistry{});

// The underlying parse: every problem found, in file order, plus the Config when
// there were none. loadConfig* are thin wrappers over these.
struct LoadOutcome {
  std::optional<Config> config;
  std::vector<Problem> problems;
};
LoadOutcome parseConfigFile(const std::filesystem::path& path, const SectionRegistry& registry);
LoadOutcome parseConfigText(std::string_view text, const std::filesystem::path& virtualPath,
                            const SectionRegistry& registry);

// Hard limits on the input itself.
inline constexpr std::size_t kMaxConfigBytes = 1 << 20;
inline constexpr std::size_t kMaxVirtualHosts = 1000;
inline constexpr std::size_t kMaxListeners = 64;

}  // namespace keyfed::config
