// XEP-0160 (docs/server-features.md, "offline").
//
// The router fires message/offline for a chat/normal message to an existing
// account that has no resource a message could go to. We stamp it with
// <delay from='HOST' stamp='...'/> (XEP-0203) and store it; the first
// available presence of a resource with non-negative priority takes all
// stored messages and receives them in the order they were stored.
#include <string>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/offline.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/datetime.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "storable.hpp"
#include "stored_stanza.hpp"

namespace keyfed::modules {
namespace {

using xmpp::StanzaErrorCondition;

class OfflineModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "offline"; }

  base::Result<void> load(server::Server& server) override {
    if (server.config().limits.offlinePerUser > 0) {
      server.disco().addServerFeature(xmpp::ns::offline);
      server.hooks().stanzas.hook("message/offline",
                                  [this](server::StanzaEvent& e) { return store(e); });
    } else {
      // Without the hook the router answers service-unavailable (XEP-0160 section 3).
      log_.info("offline storage disabled (limits.offline_per_user = 0)");
    }
    // Messages stored before storage was disabled are still delivered.
    server.hooks().sessions.hook("initial-presence", [this](server::SessionEvent& e) {
      deliver(e);
      return false;  // other modules want this event too
    });
    return {};
  }

 private:
  bool store(server::StanzaEvent& e) {
    if (!offline::isStorableType(e.stanza)) return false;
    if (!offline::isWorthStoring(e.stanza)) {
      log_.debug("not storing a message without content for {}", e.to.bareView());
      return true;
    }
    const auto host = e.to.domain();
    const auto now = e.server.clock().now();
    // Work on a copy: when storing fails, the bounce quotes the original.
    xml::Element stanza = e.stanza;
    // Only this server may say when this server received the message.
    std::erase_if(stanza.nodes(), [&](const xml::Node& node) {
      const xml::Element* el = node.asElement();
      return el != nullptr && el->is("delay", xmpp::ns::delay) && el->attr("from") == host;
    });
    auto& delay = stanza.addChild("delay", std::string(xmpp::ns::delay));
    delay.setAttr("from", host);
    delay.setAttr("stamp", xmpp::utcStamp(now));

    auto stored = e.server.storage().offline().store(e.to.node(), host,
                                                     offline::serializeStanza(stanza), now);
    if (stored) {
      // Kept for later, not delivered live (docs/modules.md): push notifications listen.
      e.server.hooks().stanzas.fire("message/deferred", e);
      return true;
    }
    const auto& error = stored.error();
    if (error.code == storage::errc::kQuota) {
      e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable,
                      "The recipient's offline message storage is full");
    } else if (error.code == storage::errc::kInvalid) {
      e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable,
                      "The message cannot be stored for the recipient");
    } else if (error.code == storage::errc::kNotFound) {
      e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable);
    } else {
      log_.warn("storing an offline message for {} failed: {}", e.to.bareView(), error.describe());
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
    }
    return true;
  }

  void deliver(server::SessionEvent& e) {
    server::ClientSession& session = e.session;
    // XEP-0160 section 3: delivered on non-negative available presence only.
    if (session.presence.priority < 0) return;
    auto taken = e.server.storage().offline().take(session.user(), session.host());
    if (!taken) {
      log_.warn("reading offline messages for {}@{} failed: {}", session.user(), session.host(),
                taken.error().describe());
      return;
    }
    const std::size_t maxBytes = e.server.storage().limits().offlineStanzaBytes;
    for (const auto& message : *taken) {
      auto stanza = offline::parseStoredStanza(message.stanza, maxBytes);
      if (!stanza) {
        log_.warn("dropping a damaged offline message for {}@{}: {}", session.user(),
                  session.host(), stanza.error().describe());
        continue;
      }
      session.send(*stanza);
    }
  }

  base::Logger log_{"offline"};
};

}  // namespace

std::unique_ptr<server::Module> makeOfflineModule() {
  return std::make_unique<OfflineModule>();
}

}  // namespace keyfed::modules
