// The clearinghouse role: the community table, its edits and audits, and
// publishing the signed document.

#include "keyfed/clearinghouse/publisher.hpp"

#include <algorithm>

#include "audit.hpp"
#include "keyfed/clearinghouse/deciders.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/xmpp/see_other_host.hpp"
#include "keynote/keys.hpp"

namespace keyfed::clearinghouse {
namespace {

constexpr const char* kPublishedName = "published";

Row toRow(const storage::CommunityRow& r) {
  Row row;
  row.domain = r.domain;
  row.level = r.level;
  row.addresses = r.addresses;
  if (r.expires) row.expires = base::unixSeconds(*r.expires);
  return row;
}

std::string describe(const storage::CommunityRow& r) {
  std::string out = r.domain + " level=" + std::to_string(r.level);
  for (const auto& a : r.addresses) out += " address=" + a;
  if (r.expires) out += " expires=" + std::to_string(base::unixSeconds(*r.expires));
  if (!r.redirectTo.empty()) out += " redirect_to=" + r.redirectTo;
  return out;
}

}  // namespace

Publisher::Publisher(server::Server& server, ClearinghouseConfig config)
    : server_(server),
      config_(std::move(config)),
      table_(std::make_shared<CommunityTable>()),
      refresh_(std::make_unique<net::Timer>(server.loop())) {}

Publisher::~Publisher() = default;

base::Result<void> Publisher::start() {
  auto& store = server_.storage().clearinghouse();
  auto rows = store.rows();
  if (!rows) return base::fail(std::move(rows).error());
  table_->rows = std::move(*rows);
  auto published = store.document(kPublishedName);
  if (!published) return base::fail(std::move(published).error());
  server_.policy().replaceDecider(std::make_shared<CommunityDecider>(table_));
  if (*published) {
    auto parsed = parseDocument((*published)->text);
    if (parsed) {
      version_ = parsed->version;
      expires_ = parsed->expires;
      document_ = (*published)->text;
      std::vector<Row> current;
      for (const auto& r : table_->rows) current.push_back(toRow(r));
      const bool sameTable = parsed->rows == current && parsed->clearinghouse == config_.jid &&
                             keynote::sameKey(parsed->signer, config_.publicKey);
      const auto now = base::unixSeconds(server_.clock().now());
      if (sameTable && now < parsed->issued + config_.documentValidity.count() / 2) {
        log_.info("clearinghouse {} ready: {} row(s), table v{}", config_.jid, table_->rows.size(),
                  version_);
        armRefresh();
        return {};
      }
    } else {
      // Our own stored document: only a bug or a hand-edited database gets here.
      log_.warn("the stored published table does not read ({}); publishing anew",
                parsed.error().describe());
      version_ = (*published)->version;
    }
  }
  auto v = publish("start");
  if (!v) return base::fail(std::move(v).error());
  log_.info("clearinghouse {} ready: {} row(s), table v{}", config_.jid, table_->rows.size(),
            version_);
  return {};
}

void Publisher::reconfigure(ClearinghouseConfig config) {
  const bool newKey = !keynote::sameKey(config.publicKey, config_.publicKey);
  config_ = std::move(config);
  if (newKey) {
    log_.warn("the clearinghouse key changed; members must be given the new public key");
    (void)publish("new key");
  }
}

const std::vector<storage::CommunityRow>& Publisher::rows() const {
  return table_->rows;
}

bool Publisher::isMember(std::string_view domain) const {
  for (const auto& row : table_->rows) {
    if (row.domain != domain) continue;
    return !row.expires || server_.clock().now() < *row.expires;
  }
  return false;
}

base::Result<storage::CommunityRow> Publisher::set(storage::CommunityRow row,
                                                   std::string_view who) {
  row.updated = server_.clock().now();
  if (row.level < 0 || row.level > kMaxLevel) {
    return base::fail("clearinghouse.invalid", "a level is 0.." + std::to_string(kMaxLevel) +
                                                   ", not " + std::to_string(row.level));
  }
  if (!row.redirectTo.empty()) {
    // Stored as members' servers will read it in <see-other-host/>.
    auto location = xmpp::parseSeeOtherHost(row.redirectTo);
    if (!location) return base::fail("clearinghouse.invalid", location.error().message);
    row.redirectTo = location->text();
  }
  // The row must be what a member can read back (prepared domain, addresses).
  TableDocument probe;
  probe.clearinghouse = config_.jid;
  probe.version = 1;
  probe.issued = 0;
  probe.expires = 1;
  probe.signer = "x";
  probe.signature = "x";
  probe.rows.push_back(toRow(row));
  if (auto readable = parseDocument(toJson(probe)); !readable) {
    return base::fail("clearinghouse.invalid", readable.error().message);
  }
  if (auto put = server_.storage().clearinghouse().putRow(row); !put) {
    audit(server_, log_, {"clearinghouse-set", who, row.domain, put.error().code, describe(row)});
    return base::fail(std::move(put).error());
  }
  auto it = std::find_if(table_->rows.begin(), table_->rows.end(),
                         [&](const auto& r) { return r.domain >= row.domain; });
  if (it != table_->rows.end() && it->domain == row.domain) {
    *it = row;
  } else {
    table_->rows.insert(it, row);
  }
  audit(server_, log_, {"clearinghouse-set", who, row.domain, "applied", describe(row)});
  server_.policy().changed();
  if (auto v = publish("set " + row.domain); !v) return base::fail(std::move(v).error());
  return row;
}

base::Result<bool> Publisher::remove(std::string_view domain, std::string_view who) {
  auto removed = server_.storage().clearinghouse().removeRow(domain);
  if (!removed) return base::fail(std::move(removed).error());
  if (!*removed) return false;
  std::erase_if(table_->rows, [&](const auto& r) { return r.domain == domain; });
  audit(server_, log_, {"clearinghouse-remove", who, domain, "applied", std::string(domain)});
  server_.policy().changed();
  if (auto v = publish("remove " + std::string(domain)); !v)
    return base::fail(std::move(v).error());
  return true;
}

base::Result<std::int64_t> Publisher::publish(std::string_view why) {
  TableDocument d;
  d.clearinghouse = config_.jid;
  d.version = version_ + 1;
  d.issued = base::unixSeconds(server_.clock().now());
  d.expires = d.issued + config_.documentValidity.count();
  for (const auto& r : table_->rows) d.rows.push_back(toRow(r));
  if (auto signed_ = signDocument(d, config_.privateKey, config_.signatureAlgorithm); !signed_) {
    audit(server_, log_,
          {"table-published", "clearinghouse", config_.jid, signed_.error().code,
           signed_.error().message});
    return base::fail(signed_.error());
  }
  std::string text = toJson(d);
  auto stored = server_.storage().clearinghouse().storeDocument(
      kPublishedName, storage::StoredDocument{d.version, text, server_.clock().now()});
  if (!stored) return base::fail(std::move(stored).error());
  if (!*stored) {
    // Another writer published a higher version: never go back below it.
    return base::fail("clearinghouse.version",
                      "the stored table is newer than v" + std::to_string(d.version));
  }
  version_ = d.version;
  expires_ = d.expires;
  document_ = std::move(text);
  audit(server_, log_,
        {"table-published", "clearinghouse", config_.jid, "v" + std::to_string(version_),
         std::string(why) + ": " + std::to_string(d.rows.size()) + " row(s), expires " +
             std::to_string(d.expires)});
  log_.info("published table v{} ({} row(s), {}): {}", version_, d.rows.size(),
            config_.signatureAlgorithm.empty() ? "default signature" : config_.signatureAlgorithm,
            why);
  armRefresh();
  if (notifier_) notifier_(version_, document_);
  return version_;
}

void Publisher::armRefresh() {
  // Half the validity before the published table expires: members always
  // hold a fresh table while the clearinghouse runs.
  const auto now = base::unixSeconds(server_.clock().now());
  const auto half = config_.documentValidity.count() / 2;
  const auto due = std::max<std::int64_t>(expires_ - half - now, 1);
  refresh_->start(std::chrono::seconds(due), [this] { (void)publish("refresh before expiry"); });
}

}  // namespace keyfed::clearinghouse
