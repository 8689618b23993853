// XEP-0163 PEP: the account's bare JID is a publish-subscribe service
// (pubsub_service), notifications and last items go where delivery decides,
// and the +notify interests come from entity capabilities (caps_directory).
//
// Presence is watched, never consumed (handlers return false, above the
// presence module's priority): a local resource's broadcast (pre-presence/self)
// and presence from remote entities to local accounts (presence/bare, /full).
#include <string>

#include "caps_directory.hpp"
#include "delivery.hpp"
#include "keyfed/modules/pep.hpp"
#include "keyfed/modules/pep_config.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "presence_book.hpp"
#include "pubsub_service.hpp"

namespace keyfed::modules {
namespace {

using namespace pep;
using server::StanzaEvent;

// Above the presence module (0), so capabilities are known before its
// broadcast and probes run.
constexpr int kWatchPriority = 10;

// What the account's bare JID answers to disco#info (XEP-0163 section 6.1).
// clang-format off
constexpr std::string_view kPubsubFeatures[] = {
    "access-open", "access-presence", "access-roster", "access-whitelist", "auto-create",
    "config-node", "create-nodes", "delete-items", "delete-nodes", "item-ids", "last-published",
    "persistent-items", "publish", "publish-options", "retract-items", "retrieve-affiliations",
    "retrieve-items", "retrieve-subscriptions", "subscribe",
};
// clang-format on

class PepModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "pep"; }

  base::Result<void> load(server::Server& server) override {
    server_ = &server;
    const PepConfig config = pepConfig(server.config());
    service_.emplace(server.storage().pep(), config);
    caps_.emplace(config.capsCacheSize);
    delivery_.emplace(server, *service_, *caps_, book_);

    auto& disco = server.disco();
    disco.addAccountIdentity({"pubsub", "pep", {}});
    disco.addAccountFeature(xmpp::ns::pubsub);
    for (std::string_view f : kPubsubFeatures) {
      disco.addAccountFeature(std::string(xmpp::ns::pubsub) + "#" + std::string(f));
    }

    auto& hooks = server.hooks().stanzas;
    for (std::string_view ns : {xmpp::ns::pubsub, xmpp::ns::pubsubOwner}) {
      for (const char* kind : {"iq-get/", "iq-set/"}) {
        for (const char* to : {"self/", "bare/"}) {
          hooks.hook(std::string(kind) + to + std::string(ns),
                     [this](StanzaEvent& e) { return handleRequest(e); });
        }
      }
    }
    hooks.hook(
        "pre-presence/self", [this](StanzaEvent& e) { return watchOwnPresence(e); },
        kWatchPriority);
    for (const char* to : {"presence/bare", "presence/full"}) {
      hooks.hook(
          to, [this](StanzaEvent& e) { return watchRemotePresence(e); }, kWatchPriority);
    }
    hooks.hook(
        "iq/host", [this](StanzaEvent& e) { return handleCapsAnswer(e); }, kWatchPriority);

    auto& sessions = server.hooks().sessions;
    sessions.hook("resource-unbound", [this](server::SessionEvent& e) {
      caps_->forget(e.session.jid().full());
      return false;
    });
    sessions.hook("account-removed", [this](server::SessionEvent& e) {
      // The nodes and items went with the account (ON DELETE CASCADE).
      book_.forgetAccount(e.session.jid().bareView());
      return false;
    });
    server.hooks().config.hook("config-reloaded", [this](server::ConfigEvent& e) {
      service_->setLimits(pepConfig(e.next));
      return false;
    });
    hookModuleRequests();
    return {};
  }

 private:
  bool handleRequest(StanzaEvent& e) {
    // iq-*/self: no 'to', or the sender's own bare JID.
    const xmpp::Jid owner = e.to.valid() ? e.to.bare() : e.from.bare();
    Outcome outcome =
        service_->handle(e.stanza, owner, requesterOf(*server_, owner, e.from.full()));
    server_->route(std::move(outcome.reply));
    if (outcome.lastItem) delivery_->send(owner, outcome.lastItem->to, outcome.lastItem->event);
    if (outcome.notification) {
      delivery_->notify(owner, *outcome.notification);
      announcePublished(owner, *outcome.notification, false);
    }
    return true;
  }

  // Other modules' requests and the publish hooks (events.hpp, PepEvent).
  void hookModuleRequests() {
    auto& pep = server_->hooks().pep;
    pep.hook("pep-publish", [this](server::PepEvent& e) { return publishFor(e); });
    pep.hook("pep-retrieve", [this](server::PepEvent& e) { return retrieveFor(e); });
    PublishHooks hooks;
    hooks.check = [this](const xmpp::Jid& owner, std::string_view node,
                         const xml::Element& payload) -> std::optional<PublishHooks::Refusal> {
      if (internalPublish_) return std::nullopt;
      server::PepEvent e(*server_, owner, node);
      e.payload = &payload;
      if (!server_->hooks().pep.fire("pep-check-publish", e) || !e.refusal) return std::nullopt;
      return PublishHooks::Refusal{*e.refusal, std::move(e.refusalText)};
    };
    hooks.nodeDefaults = [this](const xmpp::Jid& owner, std::string_view node,
                                std::vector<FormField>& fields) {
      server::PepEvent e(*server_, owner, node);
      server_->hooks().pep.fire("pep-node-defaults", e);
      for (auto& [var, value] : e.options) {
        fields.push_back(FormField{std::move(var), value, {value}});
      }
    };
    service_->setPublishHooks(std::move(hooks));
  }

  // "pep-publish": the request the owner's client would send, answered by the
  // same code, so limits, auto-create and notifications are the same.
  bool publishFor(server::PepEvent& e) {
    if (e.payload == nullptr) {
      e.refusal = xmpp::StanzaErrorCondition::badRequest;
      return true;
    }
    xml::Element iq("iq", std::string(xmpp::ns::client));
    iq.setAttr("type", "set").setAttr("id", "internal").setAttr("from", e.owner.bareView());
    auto& item = iq.addChild("pubsub", std::string(xmpp::ns::pubsub))
                     .addChild("publish", std::string(xmpp::ns::pubsub))
                     .setAttr("node", e.node)
                     .addChild("item", std::string(xmpp::ns::pubsub));
    if (!e.itemId.empty()) item.setAttr("id", e.itemId);
    item.addChild(e.payload->clone());
    internalPublish_ = true;
    const Requester owner{std::string(e.owner.bareView()), Relation::owner, {}};
    Outcome outcome = service_->handle(iq, e.owner, owner);
    internalPublish_ = false;
    if (auto refused = refusalOf(outcome.reply)) {
      e.refusal = refused->condition;
      e.refusalText = refused->text;
      return true;
    }
    if (outcome.notification) {
      delivery_->notify(e.owner, *outcome.notification);
      announcePublished(e.owner, *outcome.notification, true);
    }
    return true;
  }

  // "pep-retrieve": an items request as the requester would send it, so the
  // node's access model decides.
  bool retrieveFor(server::PepEvent& e) {
    if (e.requester == nullptr) {
      e.refusal = xmpp::StanzaErrorCondition::badRequest;
      return true;
    }
    xml::Element iq("iq", std::string(xmpp::ns::client));
    iq.setAttr("type", "get").setAttr("id", "internal");
    auto& items = iq.addChild("pubsub", std::string(xmpp::ns::pubsub))
                      .addChild("items", std::string(xmpp::ns::pubsub))
                      .setAttr("node", e.node);
    if (e.itemId.empty()) {
      items.setAttr("max_items", "1");  // the newest
    } else {
      items.addChild("item", std::string(xmpp::ns::pubsub)).setAttr("id", e.itemId);
    }
    Outcome outcome =
        service_->handle(iq, e.owner, requesterOf(*server_, e.owner, e.requester->full()));
    if (auto refused = refusalOf(outcome.reply)) {
      e.refusal = refused->condition;
      e.refusalText = refused->text;
      return true;
    }
    const xml::Element* list = nullptr;
    if (const xml::Element* pubsub = outcome.reply.child("pubsub", xmpp::ns::pubsub)) {
      list = pubsub->child("items", xmpp::ns::pubsub);
    }
    const xml::Element* item = list ? list->child("item", xmpp::ns::pubsub) : nullptr;
    if (item == nullptr || item->childCount() != 1) {
      e.refusal = xmpp::StanzaErrorCondition::itemNotFound;
      return true;
    }
    e.found = item->children().begin()->clone();
    return true;
  }

  static std::optional<xmpp::StanzaError> refusalOf(const xml::Element& reply) {
    if (xmpp::stanzaType(reply) != "error") return std::nullopt;
    auto error = xmpp::parseStanzaError(reply);
    if (error) return error;
    xmpp::StanzaError unreadable;
    unreadable.condition = xmpp::StanzaErrorCondition::internalServerError;
    return unreadable;
  }

  // "pep-published" for a notification that carries a new item.
  void announcePublished(const xmpp::Jid& owner, const Notification& n, bool internal) {
    const xml::Element* items = n.event.child("items", xmpp::ns::pubsubEvent);
    const xml::Element* item = items ? items->child("item", xmpp::ns::pubsubEvent) : nullptr;
    if (item == nullptr || item->childCount() != 1) return;  // a retract
    server::PepEvent e(*server_, owner, n.node);
    e.itemId = item->attr("id");
    e.payload = &*item->children().begin();
    e.internal = internal;
    server_->hooks().pep.fire("pep-published", e);
  }

  // A local resource's broadcast presence.
  bool watchOwnPresence(StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr) return false;
    const std::string& jid = client->jid().full();
    const auto type = xmpp::stanzaType(e.stanza);
    if (!type.empty()) {
      if (type == "unavailable") caps_->forget(jid);
      return false;
    }
    auto caps = readCaps(e.stanza);
    if (!caps) {
      caps_->forget(jid);
      return false;
    }
    switch (caps_->announce(jid, *caps)) {
      case CapsDirectory::Change::known: delivery_->sendLastItemsToLocal(*client); break;
      case CapsDirectory::Change::unknown:
        askCaps(*caps, client->jid(), client->host(), {jid, {}});
        break;
      case CapsDirectory::Change::unchanged:
      case CapsDirectory::Change::refused: break;
    }
    return false;
  }

  // Presence from an entity on another server to a local account.
  bool watchRemotePresence(StanzaEvent& e) {
    if (!e.from.valid() || !e.from.hasResource() || server_->isLocalDomain(e.from.domain())) {
      return false;
    }
    const xmpp::Jid owner = e.to.bare();
    const std::string& jid = e.from.full();
    const auto type = xmpp::stanzaType(e.stanza);
    if (type == "unavailable") {
      book_.remove(owner.bareView(), jid);
      caps_->forget(jid);
      return false;
    }
    if (!type.empty()) return false;
    auto caps = readCaps(e.stanza);
    if (!caps || requesterOf(*server_, owner, jid).relation != Relation::subscriber) return false;
    const bool fresh = book_.add(owner.bareView(), jid);
    switch (caps_->announce(jid, *caps)) {
      case CapsDirectory::Change::unchanged:
        if (fresh && caps_->known(jid)) delivery_->sendLastItems(owner, jid);
        break;
      case CapsDirectory::Change::known: delivery_->sendLastItems(owner, jid); break;
      case CapsDirectory::Change::unknown:
        askCaps(*caps, e.from, owner.domain(), {jid, std::string(owner.bareView())});
        break;
      case CapsDirectory::Change::refused: break;
    }
    return false;
  }

  // XEP-0115 section 6.3: disco#info to the entity, for node#ver.
  void askCaps(const CapsAnnouncement& caps, const xmpp::Jid& entity, std::string_view fromDomain,
               CapsWaiter waiter) {
    auto query = caps_->query(caps, entity.full(), std::move(waiter), server_->clock().steadyNow());
    if (query) sendCapsQuery(*query, fromDomain);
  }

  void sendCapsQuery(const CapsDirectory::Query& query, std::string_view fromDomain) {
    xml::Element iq("iq", std::string(xmpp::ns::client));
    iq.setAttr("type", "get").setAttr("id", query.id).setAttr("from", fromDomain);
    iq.setAttr("to", query.to);
    iq.addChild("query", std::string(xmpp::ns::discoInfo)).setAttr("node", query.node);
    server_->route(std::move(iq));
  }

  bool handleCapsAnswer(StanzaEvent& e) {
    const auto type = xmpp::stanzaType(e.stanza);
    if (type != "result" && type != "error") return false;
    const xml::Element* query =
        type == "result" ? e.stanza.child("query", xmpp::ns::discoInfo) : nullptr;
    auto answered =
        caps_->answer(xmpp::stanzaId(e.stanza), e.from.full(), query, server_->clock().steadyNow());
    if (!answered) return false;
    for (const CapsWaiter& w : answered->ready) {
      if (!w.account.empty()) {
        auto owner = xmpp::Jid::parse(w.account);
        if (owner) delivery_->sendLastItems(*owner, w.jid);
        continue;
      }
      auto jid = xmpp::Jid::parse(w.jid);
      if (!jid) continue;
      if (server::ClientSession* s = server_->sessions().find(*jid); s != nullptr) {
        delivery_->sendLastItemsToLocal(*s);
      }
    }
    if (const auto& next = answered->next) {
      // From the host of the account it is a contact of, or its own (local).
      auto on = xmpp::Jid::parse(next->account.empty() ? next->to : next->account);
      if (on) sendCapsQuery(*next, on->domain());
    }
    return true;
  }

  server::Server* server_ = nullptr;
  std::optional<PubsubService> service_;
  std::optional<CapsDirectory> caps_;
  PresenceBook book_;
  std::optional<Delivery> delivery_;
  bool internalPublish_ = false;  // "pep-publish" runs: no "pep-check-publish"
};

}  // namespace

std::unique_ptr<server::Module> makePepModule() {
  return std::make_unique<PepModule>();
}

}  // namespace keyfed::modules
