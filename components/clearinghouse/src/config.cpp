// The [clearinghouse] and [clearinghouse_member] sections: parsing, checks,
// and reading the key and policy files.

#include "keyfed/clearinghouse/config.hpp"

#include <fstream>
#include <iterator>

#include "keyfed/agent/config.hpp"
#include "keyfed/clearinghouse/document.hpp"
#include "keyfed/http/url.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keynote/keys.hpp"

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

constexpr std::uintmax_t kMaxKeyFileBytes = 64 << 10;

base::Result<std::string> readKeyFile(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return base::fail("config.invalid", "cannot read " + file.string() + ": " + ec.message());
  if (size > kMaxKeyFileBytes) {
    return base::fail("config.invalid", file.string() + " is larger than 64 KiB");
  }
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto key = keynote::parseQuotedKey(text);
  if (!key) return base::fail("config.invalid", file.string() + ": " + key.error().message);
  return *key;
}

// A domain-only JID, as the table and the publish-subscribe service use.
bool isDomainJid(std::string_view text) {
  auto jid = xmpp::Jid::parse(text);
  return jid && !jid->hasNode() && !jid->hasResource();
}

// The bootstrap URL is read at load time so a typo is a config error, not a
// failed fetch at start.
void checkBootstrapUrl(config::TableReader& t, const MemberConfig& c) {
  auto url = http::parseHttpsUrl(c.bootstrapUrl);
  if (!url) {
    t.error("bootstrap_url", "config.invalid", url.error().message);
  } else if (!url->hostIsAddress) {
    // No DNS on a path that exists for when federation (and maybe DNS) is
    // not there yet; the certificate proves the clearinghouse's domain.
    t.error("bootstrap_url", "config.invalid",
            "the bootstrap URL's host must be an IP literal (https://192.0.2.1:5443/...), not '" +
                url->host + "'");
  }
  if (c.bootstrapConnectTimeout > c.bootstrapTimeout) {
    t.error("bootstrap_connect_timeout", "config.range",
            "must not be longer than bootstrap_timeout");
  }
}

}  // namespace

std::string_view toString(StaleMode mode) {
  return mode == StaleMode::failClosed ? "fail_closed" : "keep_last_and_warn";
}

ClearinghouseConfig parseClearinghouseConfig(config::TableReader& t) {
  ClearinghouseConfig c;
  c.enabled = t.boolean("enabled", c.enabled);
  c.jid = t.string("jid", "", 1023);
  c.privateKeyFile = t.path("private_key_file", {});
  c.signatureAlgorithm = t.string("signature_algorithm", "", 64);
  c.documentValidity = t.seconds("document_validity", c.documentValidity, 10s, 366 * 24h);
  c.redirect = t.boolean("redirect", c.redirect);
  c.redirectMinimumLevel =
      t.integer("redirect_minimum_level", c.redirectMinimumLevel, 0, kMaxLevel);
  c.httpsBurst = static_cast<std::size_t>(
      t.integer("https_burst", static_cast<std::int64_t>(c.httpsBurst), 1, 10000));
  c.httpsInterval = t.seconds("https_interval", c.httpsInterval, 1s, 24h);
  if (!c.enabled) return c;
  if (!isDomainJid(c.jid)) {
    t.error("jid", "config.invalid", "the clearinghouse's JID must be a domain (a virtual host)");
  }
  if (c.privateKeyFile.empty()) {
    t.error("private_key_file", "config.missing",
            "the clearinghouse signs its table with a private key (keynote keygen)");
    return c;
  }
  auto key = readKeyFile(c.privateKeyFile);
  if (!key) {
    t.error("private_key_file", key.error().code, key.error().message);
    return c;
  }
  auto publicKey = keynote::publicKeyOf(*key);
  if (!publicKey) {
    t.error("private_key_file", "config.invalid",
            c.privateKeyFile.string() + " holds no private key: " + publicKey.error().message);
    return c;
  }
  c.privateKey = std::move(*key);
  c.publicKey = std::move(*publicKey);
  if (!c.signatureAlgorithm.empty()) {
    auto algorithm = keynote::signatureAlgorithmOf(c.signatureAlgorithm);
    if (!algorithm || !keynote::signatureFitsKey(*algorithm, c.publicKey)) {
      t.error("signature_algorithm", "config.invalid",
              "'" + c.signatureAlgorithm + "' is not a signature algorithm of this key");
    }
  }
  return c;
}

MemberConfig parseMemberConfig(config::TableReader& t) {
  MemberConfig c;
  c.enabled = t.boolean("enabled", c.enabled);
  c.clearinghouse = t.string("clearinghouse", "", 1023);
  c.publicKey = t.string("public_key", "", 64 << 10);
  const auto keyFile = t.path("public_key_file", {});
  c.stale = t.choice("stale", {"fail_closed", "keep_last_and_warn"}, 0) == 0
                ? StaleMode::failClosed
                : StaleMode::keepLastAndWarn;
  for (const auto& name : t.strings("policy_files", {}, 64, 4096)) {
    std::filesystem::path p(name);
    c.policyFiles.push_back(p.is_absolute() ? p : t.baseDir() / p);
  }
  c.refresh = t.seconds("refresh", c.refresh, 5s, 24h);
  c.bootstrapUrl = t.string("bootstrap_url", "", 2048);
  c.bootstrapConnectTimeout =
      t.seconds("bootstrap_connect_timeout", c.bootstrapConnectTimeout, 1s, 300s);
  c.bootstrapTimeout = t.seconds("bootstrap_timeout", c.bootstrapTimeout, 1s, 600s);
  c.bootstrapMaxBytes = static_cast<std::size_t>(
      t.integer("bootstrap_max_bytes", static_cast<std::int64_t>(c.bootstrapMaxBytes), 1024,
                static_cast<std::int64_t>(kMaxDocumentBytes)));
  if (!c.bootstrapUrl.empty()) checkBootstrapUrl(t, c);
  if (!c.enabled) return c;
  if (!isDomainJid(c.clearinghouse)) {
    t.error("clearinghouse", "config.invalid", "the clearinghouse's JID must be a domain");
  }
  if (!keyFile.empty()) {
    if (!c.publicKey.empty()) {
      t.error("public_key_file", "config.invalid", "give public_key or public_key_file, not both");
    }
    auto key = readKeyFile(keyFile);
    if (key) {
      c.publicKey = std::move(*key);
    } else {
      t.error("public_key_file", key.error().code, key.error().message);
    }
  }
  if (keynote::classifyPrincipal(c.publicKey) != keynote::PrincipalKind::Key) {
    t.error("public_key", "config.invalid",
            "the clearinghouse's public key (a KeyNote key, e.g. \"ed25519-hex:...\") is needed");
  }
  if (c.policyFiles.empty()) {
    t.error("policy_files", "config.missing",
            "a member needs a KeyNote policy deciding which levels it federates with");
  }
  for (const auto& file : c.policyFiles) {
    auto assertions = agent::readPolicyFile(file);
    if (!assertions) {
      t.error("policy_files", "config.invalid", assertions.error().message);
      continue;
    }
    for (auto& a : *assertions) c.policyAssertions.push_back(std::move(a));
  }
  return c;
}

base::Result<void> registerClearinghouseConfig(config::SectionRegistry& registry) {
  if (auto added = registry.add(
          std::string(kSectionName),
          [](config::TableReader& t) -> std::any { return parseClearinghouseConfig(t); });
      !added) {
    return added;
  }
  return registry.add(std::string(kMemberSectionName),
                      [](config::TableReader& t) -> std::any { return parseMemberConfig(t); });
}

}  // namespace keyfed::clearinghouse
