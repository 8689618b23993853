// Defaults, values, relative paths and the example file.

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "keyfed/config/config.hpp"

namespace keyfed::config {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* const kMinimal = R"(
[[virtual_host]]
domain = "example.org"

[[listener]]
type = "c2s"
)";

Config parseOk(std::string_view text, const fs::path& file = "/etc/keyfed/keyfed.toml") {
  auto r = loadConfigFromString(text, file);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : Config{};
}

TEST(ConfigDefaults, MinimalFileGetsDocumentedDefaults) {
  Config c = parseOk(kMinimal);
  EXPECT_EQ(c.file, fs::path("/etc/keyfed/keyfed.toml"));
  EXPECT_EQ(c.baseDir, fs::path("/etc/keyfed"));

  EXPECT_EQ(c.server.dataDir, fs::path("/etc/keyfed/data"));
  EXPECT_EQ(c.server.logLevel, base::LogLevel::info);
  EXPECT_TRUE(c.server.logFile.empty());
  EXPECT_EQ(c.server.adminSocket, fs::path("/etc/keyfed/data/keyfed.sock"));
  EXPECT_TRUE(c.server.pidFile.empty());

  EXPECT_EQ(c.storage.backend, StorageBackend::sqlite);
  EXPECT_EQ(c.storage.path, fs::path("/etc/keyfed/data/keyfed.db"));
  EXPECT_TRUE(c.storage.url.empty());
  EXPECT_EQ(c.storage.busyTimeout, 5s);
  EXPECT_EQ(c.storage.connections, 4U);

  EXPECT_EQ(c.tls.minVersion, TlsVersion::tls12);
  EXPECT_EQ(c.tls.ciphers, kDefaultCiphers);
  EXPECT_TRUE(c.tls.caFile.empty());

  EXPECT_EQ(c.limits.c2sStanzaSize, 262144U);
  EXPECT_EQ(c.limits.s2sStanzaSize, 524288U);
  EXPECT_EQ(c.limits.xmlDepth, 64U);
  EXPECT_EQ(c.limits.xmlAttributes, 64U);
  EXPECT_EQ(c.limits.xmlText, 262144U);
  EXPECT_EQ(c.limits.c2sIdleTimeout, 600s);
  EXPECT_EQ(c.limits.s2sIdleTimeout, 900s);
  EXPECT_EQ(c.limits.authTimeout, 30s);
  EXPECT_EQ(c.limits.authFailures, 5U);
  EXPECT_EQ(c.limits.authFailureWindow, 60s);
  EXPECT_EQ(c.limits.offlinePerUser, 1000U);

  EXPECT_TRUE(c.c2s.requireTls);
  EXPECT_EQ(c.c2s.mechanisms, (std::vector<std::string>{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
                                                        "SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"}));
  EXPECT_FALSE(c.c2s.allowRegistration);

  ASSERT_EQ(c.virtualHosts.size(), 1U);
  EXPECT_EQ(c.virtualHosts[0].domain, "example.org");
  EXPECT_EQ(c.virtualHosts[0].certificate, fs::path("/etc/keyfed/certs/example.org.crt"));
  EXPECT_EQ(c.virtualHosts[0].key, fs::path("/etc/keyfed/certs/example.org.key"));
  EXPECT_FALSE(c.virtualHosts[0].allowRegistration.has_value());

  ASSERT_EQ(c.listeners.size(), 1U);
  EXPECT_EQ(c.listeners[0].type, ListenerType::c2s);
  EXPECT_EQ(c.listeners[0].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[0].port, 5222);
}

TEST(ConfigValues, EverySectionIsRead) {
  Config c = parseOk(R"(
[server]
data_dir = "/var/lib/keyfed"
log_level = "debug"
log_file = "logs/keyfed.log"
admin_socket = "/run/keyfed.sock"
pid_file = "/run/keyfed.pid"

[storage]
backend = "postgres"
url = "postgresql://keyfed@127.0.0.1/keyfed"
busy_timeout = 0
connections = 1

[tls]
min_version = "1.3"
ciphers = "ECDHE-RSA-AES128-GCM-SHA256"
ca_file = "/etc/ssl/certs/ca-certificates.crt"

[limits]
c2s_stanza_size = 65536
s2s_stanza_size = 131072
xml_depth = 32
xml_attributes = 16
xml_text = 4096
c2s_idle_timeout = 120
s2s_idle_timeout = 300
auth_timeout = 10
auth_failures = 3
auth_failure_window = 600
offline_per_user = 0

[c2s]
require_tls = false
mechanisms = ["SCRAM-SHA-256", "PLAIN"]
allow_registration = true

[[virtual_host]]
domain = "Example.ORG"
certificate = "/etc/tls/example.crt"
key = "/etc/tls/example.key"
allow_registration = false

[[virtual_host]]
domain = "chat.example.net"
certificate = ""
key = ""

[[listener]]
type = "c2s"
address = "::1"
port = 0

[[listener]]
type = "s2s"
address = "0.0.0.0"
)");
  EXPECT_EQ(c.server.dataDir, fs::path("/var/lib/keyfed"));
  EXPECT_EQ(c.server.logLevel, base::LogLevel::debug);
  EXPECT_EQ(c.server.logFile, fs::path("/etc/keyfed/logs/keyfed.log"));
  EXPECT_EQ(c.server.adminSocket, fs::path("/run/keyfed.sock"));
  EXPECT_EQ(c.server.pidFile, fs::path("/run/keyfed.pid"));
  EXPECT_EQ(c.storage.backend, StorageBackend::postgres);
  EXPECT_EQ(c.storage.url, "postgresql://keyfed@127.0.0.1/keyfed");
  EXPECT_EQ(c.storage.busyTimeout, 0s);
  EXPECT_EQ(c.storage.connections, 1U);
  EXPECT_EQ(c.tls.minVersion, TlsVersion::tls13);
  EXPECT_EQ(c.tls.ciphers, "ECDHE-RSA-AES128-GCM-SHA256");
  EXPECT_EQ(c.tls.caFile, fs::path("/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_EQ(c.limits.c2sStanzaSize, 65536U);
  EXPECT_EQ(c.limits.s2sStanzaSize, 131072U);
  EXPECT_EQ(c.limits.xmlDepth, 32U);
  EXPECT_EQ(c.limits.xmlAttributes, 16U);
  EXPECT_EQ(c.limits.xmlText, 4096U);
  EXPECT_EQ(c.limits.c2sIdleTimeout, 120s);
  EXPECT_EQ(c.limits.s2sIdleTimeout, 300s);
  EXPECT_EQ(c.limits.authTimeout, 10s);
  EXPECT_EQ(c.limits.authFailures, 3U);
  EXPECT_EQ(c.limits.authFailureWindow, 600s);
  EXPECT_EQ(c.limits.offlinePerUser, 0U);
  EXPECT_FALSE(c.c2s.requireTls);
  EXPECT_EQ(c.c2s.mechanisms, (std::vector<std::string>{"SCRAM-SHA-256", "PLAIN"}));
  EXPECT_TRUE(c.c2s.allowRegistration);

  ASSERT_EQ(c.virtualHosts.size(), 2U);
  EXPECT_EQ(c.virtualHosts[0].domain, "example.org");  // ASCII lowercased
  EXPECT_FALSE(c.virtualHosts[0].registrationAllowed(c.c2s));
  EXPECT_TRUE(c.virtualHosts[1].registrationAllowed(c.c2s));
  EXPECT_TRUE(c.virtualHosts[1].certificate.empty());
  EXPECT_TRUE(c.virtualHosts[1].key.empty());

  ASSERT_EQ(c.listeners.size(), 2U);
  EXPECT_EQ(c.listeners[0].address, "::1");
  EXPECT_EQ(c.listeners[0].port, 0);
  EXPECT_EQ(c.listeners[1].type, ListenerType::s2s);
  EXPECT_EQ(c.listeners[1].port, 5269);  // default port of the type

  EXPECT_EQ(c.findHost("EXAMPLE.org"), &c.virtualHosts[0]);
  EXPECT_EQ(c.findHost("chat.example.net"), &c.virtualHosts[1]);
  EXPECT_EQ(c.findHost("example.com"), nullptr);
}

TEST(ConfigValues, ComponentListenerDefaultsToTheComponentPort) {
  Config c = parseOk(std::string(kMinimal) + "[[listener]]\ntype = \"component\"\n");
  ASSERT_EQ(c.listeners.size(), 2U);
  EXPECT_EQ(c.listeners[1].type, ListenerType::component);
  EXPECT_EQ(c.listeners[1].address, "127.0.0.1");
  EXPECT_EQ(c.listeners[1].port, 5347);
  EXPECT_EQ(toString(ListenerType::component), "component");
}

TEST(ConfigPaths, RelativePathsFollowTheFileAndStorageFollowsDataDir) {
  Config c = parseOk(std::string(R"(
[server]
data_dir = "../state"
log_file = "./log/k.log"
[storage]
path = "db/main.sqlite"
[tls]
ca_file = "ca.pem"
)") + kMinimal,
                     "/srv/keyfed/conf/keyfed.toml");
  EXPECT_EQ(c.server.dataDir, fs::path("/srv/keyfed/state"));
  EXPECT_EQ(c.server.logFile, fs::path("/srv/keyfed/conf/log/k.log"));
  EXPECT_EQ(c.storage.path, fs::path("/srv/keyfed/state/db/main.sqlite"));
  EXPECT_EQ(c.tls.caFile, fs::path("/srv/keyfed/conf/ca.pem"));
  EXPECT_EQ(c.virtualHosts[0].certificate, fs::path("/srv/keyfed/conf/certs/example.org.crt"));
}

TEST(ConfigPaths, AbsoluteStoragePathIsKept) {
  Config c = parseOk(std::string("[storage]\npath = \"/tmp/x.db\"\n") + kMinimal);
  EXPECT_EQ(c.storage.path, fs::path("/tmp/x.db"));
}

TEST(ConfigPaths, RelativeConfigFileNameIsMadeAbsolute) {
  Config c = parseOk(kMinimal, "conf/keyfed.toml");
  EXPECT_TRUE(c.file.is_absolute());
  EXPECT_EQ(c.baseDir, fs::current_path() / "conf");
  EXPECT_EQ(c.server.dataDir, fs::current_path() / "conf" / "data");
}

TEST(ConfigFile, ExampleFileParses) {
  auto r = loadConfig(KEYFED_EXAMPLE_CONFIG);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->virtualHosts.size(), 1U);
  EXPECT_EQ(r->virtualHosts[0].domain, "localhost");
  EXPECT_EQ(r->listeners.size(), 3U);
  EXPECT_EQ(r->server.dataDir, fs::path(KEYFED_EXAMPLE_CONFIG).parent_path() / "data");
}

TEST(ConfigFile, ReadsFromDisk) {
  const fs::path dir = fs::temp_directory_path() / ("keyfed-config-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "k.toml";
  {
    std::ofstream out(file);
    out << kMinimal;
  }
  auto r = loadConfig(file);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->storage.path, dir / "data" / "keyfed.db");
  fs::remove_all(dir);
}

TEST(ConfigFile, MissingFileIsAnIoError) {
  auto r = loadConfig("/nonexistent/keyfed.toml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "config.io");
  EXPECT_EQ(r.error().message, "/nonexistent/keyfed.toml: cannot read: no such file");
}

TEST(ConfigFile, DirectoryIsRefused) {
  auto r = loadConfig(fs::temp_directory_path());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "config.io");
  EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos);
}

TEST(ConfigFile, OversizedFileIsRefused) {
  std::string text(kMaxConfigBytes + 1, '#');
  auto r = loadConfigFromString(text, "/etc/big.toml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "config.io");
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace keyfed::config
