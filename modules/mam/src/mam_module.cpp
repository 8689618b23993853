// XEP-0313 Message Archive Management for user archives (docs/mam.md).
//
// Archiving: a message a local client sends goes into its account's archive
// (pre-message/*, after blocking decided it may pass); a message for a local
// account goes into the recipient's archive (message/bare|full when a
// resource is online, message/offline otherwise, before offline storage takes
// it) and the copy delivered or stored offline carries <stanza-id by=ACCOUNT
// id=ARCHIVE-ID/>. Records go to the BatchWriter: delivery never waits for SQLite.
//
// Queries (iq set <query/>) and preferences (iq get/set <prefs/>) are answered
// on the loop thread after the writer flushed what was accepted before them.
#include <algorithm>
#include <optional>
#include <string>

#include "keyfed/archive/archivable.hpp"
#include "keyfed/archive/archive_id.hpp"
#include "keyfed/archive/batch_writer.hpp"
#include "keyfed/archive/namespaces.hpp"
#include "keyfed/archive/query_request.hpp"
#include "keyfed/archive/result_messages.hpp"
#include "keyfed/modules/mam.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "prefs.hpp"
#include "prefs_cache.hpp"

namespace keyfed::modules {
namespace {

using archive::ArchiveId;
using xmpp::StanzaErrorCondition;

// After blocking (100) and privacy checks, before carbons (-100) and the
// router's delivery, so the stanza-id is on every copy.
constexpr int kIncomingPriority = -50;
// Outgoing: after blocking and the other pre- checks that may drop it.
constexpr int kOutgoingPriority = -90;
// Before the offline module (0) stores the message.
constexpr int kOfflinePriority = 10;

class MamModule final : public server::Module {
 public:
  explicit MamModule(std::optional<MamConfig> config) : override_(config) {}

  [[nodiscard]] std::string_view name() const override { return "mam"; }

  base::Result<void> load(server::Server& server) override {
    server_ = &server;
    config_ = override_ ? *override_ : mamConfig(server.config());
    if (!config_.enabled) {
      log_.info("message archive disabled ([mam] enabled = false)");
      return {};
    }
    auto& store = server.storage().archive();
    auto last = store.lastSeq();
    if (!last) return base::fail(std::move(last).error());
    ids_.startAfter(*last);
    prefs_.emplace(store);
    BatchWriter::Options options;
    options.batchSize = config_.batchSize;
    options.delay = config_.batchDelay;
    options.capacity = config_.queueCapacity;
    options.lagLimit = config_.lagLimit;
    options.lagWait = config_.lagWait;
    options.retention = std::chrono::hours{24 * config_.expireAfterDays};
    options.expireInterval = config_.expireInterval;
    writer_ = std::make_unique<BatchWriter>(store, server.clock(), options);

    // XEP-0313 section 8: the archive is the account's, so the bare JID
    // advertises it; the server too, for clients that look there.
    for (auto feature : {archive::kMamNs, archive::kStanzaIdNs}) {
      server.disco().addAccountFeature(feature);
      server.disco().addServerFeature(feature);
    }
    auto& stanzas = server.hooks().stanzas;
    for (const char* event : {"pre-message/bare", "pre-message/full"}) {
      stanzas.hook(
          event, [this](server::StanzaEvent& e) { return sent(e); }, kOutgoingPriority);
    }
    for (const char* event : {"message/bare", "message/full"}) {
      stanzas.hook(
          event, [this](server::StanzaEvent& e) { return received(e); }, kIncomingPriority);
    }
    stanzas.hook(
        "message/offline", [this](server::StanzaEvent& e) { return receivedOffline(e); },
        kOfflinePriority);
    const std::string ns(archive::kMamNs);
    stanzas.hook("iq-get/self/" + ns, [this](server::StanzaEvent& e) { return iq(e, false); });
    stanzas.hook("iq-set/self/" + ns, [this](server::StanzaEvent& e) { return iq(e, true); });
    server.hooks().sessions.hook("account-removed", [this](server::SessionEvent& e) {
      prefs_->forget(e.session.jid().bareView());
      return false;
    });
    return {};
  }

  void shutdown() override {
    if (writer_) writer_->stop();
  }

 private:
  using BatchWriter = archive::BatchWriter;

  // --- archiving ----------------------------------------------------------

  bool sent(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client != nullptr && e.to.valid() && archive::isArchivable(e.stanza)) {
      (void)archive(client->jid(), e.to, e.stanza);
    }
    return false;  // the message itself travels on
  }

  bool received(server::StanzaEvent& e) {
    // Only this server says under which id its users' archives hold a message.
    archive::stripLocalStanzaIds(e.stanza,
                                 [this](std::string_view d) { return server_->isLocalDomain(d); });
    if (!archive::isArchivable(e.stanza)) return false;
    // Nobody online: message/offline follows (for an existing account) and archives it there.
    if (server_->sessions().resources(e.to.bareView()).empty()) return false;
    stampAndArchive(e);
    return false;
  }

  bool receivedOffline(server::StanzaEvent& e) {
    // Already archived when it first came (stream management hands unacked
    // messages to offline storage after they were delivered once).
    if (!archive::isArchivable(e.stanza) ||
        archive::stanzaIdBy(e.stanza, e.to.bareView()) != nullptr) {
      return false;
    }
    stampAndArchive(e);
    return false;
  }

  void stampAndArchive(server::StanzaEvent& e) {
    const xmpp::Jid owner = e.to.bare();
    if (auto id = archive(owner, e.from, e.stanza)) {
      archive::addStanzaId(e.stanza, owner.bareView(), *id);
    }
  }

  // Puts the message into owner's archive when the owner's preferences allow;
  // returns its public id.
  std::optional<std::string> archive(const xmpp::Jid& owner, const xmpp::Jid& with,
                                     const xml::Element& stanza) {
    if (!owner.hasNode() || !with.valid() || !allowed(owner, with)) return std::nullopt;
    const auto now = server_->clock().now();
    const ArchiveId id = ids_.next(now);
    storage::ArchiveRecord record;
    record.user = owner.node();
    record.host = owner.domain();
    record.seq = id.seq;
    record.tag = id.tag;
    record.withBare = with.bareView();
    record.withResource = with.resource();
    record.stamp = now;
    record.stanza = xml::toString(stanza);
    if (!writer_->enqueue(std::move(record))) {
      // Never silent: every refusal is counted (writer stats); the log says so
      // at the first and then every 1000th, so a flood does not flood the log.
      if (refusedLogged_++ % 1000 == 0) {
        log_.warn(
            "archive queue full ({} messages): a message for {} was delivered but not archived",
            config_.queueCapacity, owner.bareView());
      }
      return std::nullopt;
    }
    return archive::formatArchiveId(id);
  }

  bool allowed(const xmpp::Jid& owner, const xmpp::Jid& with) {
    storage::ArchivePrefs fallback;
    fallback.defaultMode = config_.defaultMode;
    const storage::ArchivePrefs* prefs = &fallback;
    auto cached = prefs_->get(owner.node(), owner.domain(), owner.bareView());
    if (!cached) {
      log_.warn("reading archive preferences of {} failed: {}", owner.bareView(),
                cached.error().describe());
    } else if (**cached) {
      prefs = &***cached;
    }
    return mam::prefsAllow(*prefs, with.bareView(), with.full(), [&] {
      auto item = server_->storage().roster().item(owner.node(), owner.domain(), with.bareView());
      return item && item->has_value() && (*item)->listed;
    });
  }

  // --- queries and preferences -------------------------------------------

  bool iq(server::StanzaEvent& e, bool set) {
    server::ClientSession* client = e.client();
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (client == nullptr || payload == nullptr) return false;
    if (payload->name() == "prefs") {
      set ? setPrefs(e, *client, *payload) : getPrefs(e, *client);
    } else if (payload->name() == "query") {
      if (set) {
        query(e, *client, *payload);
      } else {
        e.server.route(xmpp::makeIqResult(e.stanza, archive::queryFormFields()));
      }
    } else {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest);
    }
    return true;
  }

  void query(server::StanzaEvent& e, server::ClientSession& client, const xml::Element& payload) {
    auto request = archive::parseQuery(payload);
    if (!request) {
      e.server.bounce(e.stanza, archive::queryErrorCondition(request.error().code),
                      request.error().message);
      return;
    }
    const xmpp::Jid& owner = client.jid();
    auto& store = e.server.storage().archive();
    // Every message accepted before the query is in the answer.
    writer_->flush();

    auto q = archive::toArchiveQuery(*request, config_.defaultPageSize, config_.maxPageSize);
    q.user = owner.node();
    q.host = owner.domain();
    if (request->with) {
      q.withBare = request->with->bareView();
      q.withResource = request->with->resource();
    }
    if (!archive::namesKnownIds(*request, [&](const ArchiveId& id) {
          auto known = store.contains(q.user, q.host, id.seq, id.tag);
          return known && *known;
        })) {
      e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound,
                      "the archive holds no message with that id");
      return;
    }

    auto page = store.query(q);
    if (!page) {
      log_.warn("archive query of {} failed: {}", owner.bareView(), page.error().describe());
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
      return;
    }
    std::optional<archive::PageRange> range;
    const std::size_t maxBytes = e.server.storage().limits().archiveStanzaBytes;
    for (auto& item : page->items) {
      const std::string id = archive::formatArchiveId(ArchiveId{item.seq, item.tag});
      if (!range) range = archive::PageRange{id, id};
      range->last = id;
      auto original = archive::parseStoredMessage(item.stanza, maxBytes);
      if (!original) {
        log_.warn("skipping a damaged archived message of {}: {}", owner.bareView(),
                  original.error().describe());
        continue;
      }
      client.send(archive::makeResultMessage(std::move(*original), owner.bareView(), owner.full(),
                                             request->queryId, id, item.stamp));
    }
    e.server.route(
        xmpp::makeIqResult(e.stanza, archive::makeFin(page->complete, page->count, range)));
  }

  void getPrefs(server::StanzaEvent& e, server::ClientSession& client) {
    const xmpp::Jid& owner = client.jid();
    auto cached = prefs_->get(owner.node(), owner.domain(), owner.bareView());
    if (!cached) {
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
      return;
    }
    storage::ArchivePrefs prefs;
    prefs.defaultMode = config_.defaultMode;
    if (**cached) prefs = ***cached;
    e.server.route(xmpp::makeIqResult(e.stanza, mam::prefsElement(prefs)));
  }

  void setPrefs(server::StanzaEvent& e, server::ClientSession& client,
                const xml::Element& payload) {
    auto prefs = mam::parsePrefs(payload, e.server.storage().limits().archivePrefsJids);
    if (!prefs) {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest, prefs.error().message);
      return;
    }
    const xmpp::Jid& owner = client.jid();
    if (auto r = prefs_->set(owner.node(), owner.domain(), owner.bareView(), *prefs); !r) {
      log_.warn("storing archive preferences of {} failed: {}", owner.bareView(),
                r.error().describe());
      e.server.bounce(e.stanza, r.error().code == storage::errc::kInvalid
                                    ? StanzaErrorCondition::notAcceptable
                                    : StanzaErrorCondition::internalServerError);
      return;
    }
    e.server.route(xmpp::makeIqResult(e.stanza, mam::prefsElement(*prefs)));
  }

  std::optional<MamConfig> override_;
  MamConfig config_;
  server::Server* server_ = nullptr;
  archive::ArchiveIdGenerator ids_;
  std::optional<mam::PrefsCache> prefs_;
  std::unique_ptr<BatchWriter> writer_;
  std::uint64_t refusedLogged_ = 0;
  base::Logger log_{"mam"};
};

}  // namespace

std::unique_ptr<server::Module> makeMamModule() {
  return std::make_unique<MamModule>(std::nullopt);
}

std::unique_ptr<server::Module> makeMamModule(const MamConfig& config) {
  return std::make_unique<MamModule>(config);
}

}  // namespace keyfed::modules
