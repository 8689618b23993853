#pragma once
// The clearinghouse sections of keyfed.toml (docs/clearinghouse.md,
// "Configuration"). A server may play either role, or both.
//
//   [clearinghouse]                      # this server keeps and publishes the table
//   enabled = true
//   jid = "ch.example"                   # a virtual host: the publish-subscribe service
//   private_key_file = "keys/ch.key"     # keynote keygen output
//   signature_algorithm = ""             # "": the key's default
//   document_validity = 86400            # seconds a published table stays fresh
//   redirect = false                     # also the redirection service (redirector.hpp)
//   redirect_minimum_level = 1           # both ends of a redirected pair need this level
//   https_burst = 10                     # GET of the table over HTTPS per client address ...
//   https_interval = 6                   # ... then one every this many seconds
//
//   [clearinghouse_member]               # this server follows a clearinghouse's table
//   enabled = true
//   clearinghouse = "ch.example"         # its JID (and so its domain is allowed)
//   public_key = "ed25519-hex:..."       # or public_key_file = "keys/ch.pub"
//   stale = "fail_closed"                # or "keep_last_and_warn"
//   policy_files = ["policy/levels.kn"]  # KeyNote POLICY asked about each peer
//   refresh = 300                        # seconds between fetches of the latest table
//   bootstrap_url = "https://192.0.2.1:5443/.well-known/keyfed/clearinghouse-table"
//   bootstrap_connect_timeout = 5        # seconds for TCP + TLS + the certificate check
//   bootstrap_timeout = 15               # seconds for the whole answer
//   bootstrap_max_bytes = 1048576        # the largest answer body taken
//
// Files are read when the configuration is loaded, so `keyfed --check-config`
// and a reload (SIGHUP) refuse a bad key or policy and the running one stays.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "keyfed/config/section.hpp"

namespace keyfed::clearinghouse {

struct ClearinghouseConfig {
  bool enabled = false;
  std::string jid;
  std::filesystem::path privateKeyFile;
  std::string privateKey;  // read from privateKeyFile
  std::string publicKey;   // derived from it
  std::string signatureAlgorithm;
  std::chrono::seconds documentValidity{86400};
  bool redirect = false;
  std::int64_t redirectMinimumLevel = 1;
  // GET /.well-known/keyfed/clearinghouse-table, per client address.
  std::size_t httpsBurst = 10;
  std::chrono::seconds httpsInterval{6};
};

enum class StaleMode { failClosed, keepLastAndWarn };
std::string_view toString(StaleMode mode);

struct MemberConfig {
  bool enabled = false;
  std::string clearinghouse;
  std::string publicKey;
  StaleMode stale = StaleMode::failClosed;
  std::vector<std::filesystem::path> policyFiles;  // absolute
  std::vector<std::string> policyAssertions;       // read from policyFiles, in order
  std::chrono::seconds refresh{300};
  // Bootstrap over HTTPS (docs/clearinghouse.md, "Bootstrap over HTTPS"):
  // "" = off. The host is an IP literal; the certificate must prove the
  // clearinghouse's domain.
  std::string bootstrapUrl;
  std::chrono::seconds bootstrapConnectTimeout{5};
  std::chrono::seconds bootstrapTimeout{15};
  std::size_t bootstrapMaxBytes = std::size_t{1} << 20;
};

inline constexpr std::string_view kSectionName = "clearinghouse";
inline constexpr std::string_view kMemberSectionName = "clearinghouse_member";

// Registers both sections (apps/keyfed/sections.cpp, shared with keyfedctl).
base::Result<void> registerClearinghouseConfig(config::SectionRegistry& registry);

// What the registered parsers run; exposed for tests.
ClearinghouseConfig parseClearinghouseConfig(config::TableReader& table);
MemberConfig parseMemberConfig(config::TableReader& table);

}  // namespace keyfed::clearinghouse
