// The member role: accepting signed tables, storing them, and following the
// clearinghouse over publish-subscribe.

#include "keyfed/clearinghouse/member.hpp"

#include "audit.hpp"

#include <algorithm>

#include "keyfed/clearinghouse/pubsub.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::clearinghouse {
namespace {

using namespace std::chrono_literals;

constexpr const char* kStoredName = "member";
constexpr auto kStaleWarningEvery = 60s;

}  // namespace

Member::Member(server::Server& server, MemberConfig config)
    : server_(server),
      view_(std::make_shared<MemberView>(MemberView{std::move(config), std::nullopt})),
      staleTimer_(std::make_unique<net::Timer>(server.loop())),
      refreshTimer_(std::make_unique<net::Timer>(server.loop())),
      bootstrap_(server, [this](std::string_view text) { return accept(text, "https"); }) {}

Member::~Member() = default;

base::Result<void> Member::start() {
  auto stored = server_.storage().clearinghouse().document(kStoredName);
  if (!stored) return base::fail(std::move(stored).error());
  auto view = std::make_shared<MemberView>(MemberView{view_->config, std::nullopt});
  if (*stored) {
    // Stored only after verification; checked again so that a key change in
    // the config also disowns the stored table.
    auto parsed = parseDocument((*stored)->text);
    if (parsed && verifyDocument(*parsed, {config().clearinghouse, config().publicKey})) {
      view->table = std::move(*parsed);
    } else {
      log_.warn("the stored table of {} is not signed by the configured key; waiting for a new one",
                config().clearinghouse);
    }
  }
  install(std::move(view));
  if (table()) {
    log_.info("member of {}: table v{} ({} row(s)){}", config().clearinghouse, table()->version,
              table()->rows.size(), stale() ? ", stale" : "");
  } else {
    log_.info("member of {}: no table yet", config().clearinghouse);
  }
  // After the other modules are loaded (s2s routes the requests).
  server_.loop().post([this] { fetch(); });
  return {};
}

void Member::reconfigure(MemberConfig next) {
  auto view = std::make_shared<MemberView>(MemberView{std::move(next), view_->table});
  if (view->table &&
      !verifyDocument(*view->table, {view->config.clearinghouse, view->config.publicKey})) {
    log_.warn("the held table is not signed by the newly configured key; dropping it");
    view->table.reset();
  }
  install(std::move(view));
  log_.info("member reconfigured: {} POLICY assertion(s), stale = {}",
            config().policyAssertions.size(), toString(config().stale));
}

bool Member::stale() const {
  return table() && isStale(*table(), server_.clock().now());
}

void Member::install(std::shared_ptr<const MemberView> view) {
  view_ = std::move(view);
  server_.policy().replaceDecider(std::make_shared<MemberDecider>(view_));
  // s2s re-decides every live stream now: a peer that lost its level goes.
  server_.policy().changed();
  armStaleTimer();
}

void Member::armStaleTimer() {
  staleTimer_->cancel();
  if (!table()) return;
  const auto now = base::unixSeconds(server_.clock().now());
  if (now < table()->expires) {
    staleTimer_->start(std::chrono::seconds(table()->expires - now), [this] { armStaleTimer(); });
    return;
  }
  if (config().stale == StaleMode::failClosed) {
    log_.warn(
        "{}'s table v{} expired: refusing every peer until a fresh one arrives "
        "(stale = fail_closed)",
        config().clearinghouse, table()->version);
  } else {
    log_.warn("{}'s table v{} expired: still deciding with it (stale = keep_last_and_warn)",
              config().clearinghouse, table()->version);
  }
  server_.policy().changed();
  staleTimer_->start(kStaleWarningEvery, [this] { armStaleTimer(); });
}

base::Result<Acceptance> Member::accept(std::string_view text, std::string_view via) {
  auto refuse = [&](base::Error error) -> base::Result<Acceptance> {
    log_.warn("table from {} via {} refused: {}", config().clearinghouse, via, error.describe());
    audit(server_, log_, {"table-refused", config().clearinghouse, via, error.code, error.message});
    return base::fail(std::move(error));
  };
  auto parsed = parseDocument(text);
  if (!parsed) return refuse(parsed.error());
  if (auto verified = verifyDocument(*parsed, {config().clearinghouse, config().publicKey});
      !verified) {
    return refuse(verified.error());
  }
  const TableDocument& incoming = *parsed;
  if (table() && incoming.version <= table()->version) {
    if (incoming.version == table()->version && toJson(incoming) == toJson(*table())) {
      return Acceptance::unchanged;
    }
    return refuse({errc::kReplay,
                   "version " + std::to_string(incoming.version) + " is not above the held v" +
                       std::to_string(table()->version),
                   ""});
  }
  if (isStale(incoming, server_.clock().now())) {
    return refuse({errc::kExpired,
                   "table v" + std::to_string(incoming.version) + " expired at " +
                       std::to_string(incoming.expires),
                   ""});
  }
  // Stored first: what decides is what survives a restart. The store refuses
  // a version that is not above the stored one, whatever this process holds.
  auto stored = server_.storage().clearinghouse().storeDocument(
      kStoredName,
      storage::StoredDocument{incoming.version, std::string(text), server_.clock().now()});
  if (!stored) return base::fail(std::move(stored).error());
  if (!*stored) {
    return refuse({errc::kReplay,
                   "version " + std::to_string(incoming.version) + " is not above the stored one",
                   ""});
  }
  const auto previous = table() ? table()->version : 0;
  audit(server_, log_,
        {"table-accepted", config().clearinghouse, via, "v" + std::to_string(incoming.version),
         std::to_string(incoming.rows.size()) + " row(s), was v" + std::to_string(previous) +
             ", expires " + std::to_string(incoming.expires)});
  log_.info("accepted {}'s table v{} via {} ({} row(s), was v{})", config().clearinghouse,
            incoming.version, via, incoming.rows.size(), previous);
  install(std::make_shared<MemberView>(MemberView{config(), std::move(*parsed)}));
  return Acceptance::accepted;
}

std::string Member::localJid() const {
  const auto& hosts = server_.config().virtualHosts;
  return hosts.empty() ? std::string() : hosts.front().domain;
}

void Member::fetch() {
  if (!config().bootstrapUrl.empty() && (!table() || stale())) {
    (void)fetchOverHttps(table() ? "the held table is stale" : "no table yet");
  }
  const std::string from = localJid();
  if (from.empty()) return;
  const std::string base = "ch-" + std::to_string(++nextId_);
  server_.route(makeSubscribe(from, config().clearinghouse, base + "-sub"));
  pendingItems_ = base + "-items";
  server_.route(makeItemsRequest(from, config().clearinghouse, pendingItems_));
  refreshTimer_->start(config().refresh, [this] { fetch(); });
}

base::Result<std::uint64_t> Member::fetchOverHttps(std::string_view why) {
  if (config().bootstrapUrl.empty()) {
    return base::fail("clearinghouse.no-bootstrap-url",
                      "[clearinghouse_member] bootstrap_url is not set");
  }
  return bootstrap_.start(config(), table() ? table()->version : 0, why);
}

bool Member::handleAnswer(const xml::Element& iq) {
  if (xmpp::stanzaFrom(iq) != config().clearinghouse) return false;
  const auto id = xmpp::stanzaId(iq);
  if (!id.starts_with("ch-")) return false;
  if (xmpp::stanzaType(iq) == "error") {
    auto error = xmpp::parseStanzaError(iq);
    log_.warn("{} refused request {}: {}", config().clearinghouse, id,
              error ? std::string(xmpp::conditionName(error->condition)) + " " + error->text
                    : std::string("(no error condition)"));
    return true;
  }
  if (id != pendingItems_) return true;  // a subscription confirmed
  pendingItems_.clear();
  if (auto document = itemDocument(iq)) (void)accept(*document, "fetch");
  return true;
}

}  // namespace keyfed::clearinghouse
