// The clearinghouse's XMPP side: the publish-subscribe service of the
// clearinghouse role and the member's subscription.

#include "keyfed/clearinghouse/module.hpp"

#include "keyfed/clearinghouse/pubsub.hpp"
#include "keyfed/clearinghouse/redirector.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::clearinghouse {

base::Result<void> ClearinghouseModule::load(server::Server& server) {
  const auto* role = server.config().section<ClearinghouseConfig>(kSectionName);
  if (role != nullptr && role->enabled) {
    if (auto loaded = loadPublisher(server, *role); !loaded) return loaded;
  }
  const auto* member = server.config().section<MemberConfig>(kMemberSectionName);
  if (member != nullptr && member->enabled) {
    if (auto loaded = loadMember(server, *member); !loaded) return loaded;
  }
  server.hooks().config.hook("config-reloaded", [this](server::ConfigEvent& e) {
    const auto* nextRole = e.next.section<ClearinghouseConfig>(kSectionName);
    if (publisher_ && nextRole != nullptr && nextRole->enabled) publisher_->reconfigure(*nextRole);
    const auto* nextMember = e.next.section<MemberConfig>(kMemberSectionName);
    if (member_ && nextMember != nullptr && nextMember->enabled) member_->reconfigure(*nextMember);
    if ((publisher_ && (nextRole == nullptr || !nextRole->enabled)) ||
        (member_ && (nextMember == nullptr || !nextMember->enabled))) {
      e.server.log().warn(
          "a clearinghouse role is disabled in the reloaded configuration; it "
          "stays until restart");
    }
    return false;
  });
  return {};
}

base::Result<void> ClearinghouseModule::loadPublisher(server::Server& server,
                                                      const ClearinghouseConfig& config) {
  if (!server.isLocalDomain(config.jid)) {
    return base::fail("clearinghouse.jid",
                      "[clearinghouse] jid '" + config.jid + "' is not a virtual host here");
  }
  publisher_ = std::make_unique<Publisher>(server, config);
  // Notified from the loop: a table published while the modules load (at
  // start) goes out once s2s is there to carry it.
  publisher_->onPublish([this, &server](std::int64_t version, const std::string& text) {
    server.loop().post(
        [this, &server, version, text] { notifySubscribers(server, version, text); });
  });
  if (auto started = publisher_->start(); !started) return started;
  // Answers only while [clearinghouse] redirect is on (a reload may change it).
  installRedirector(server, *publisher_);

  auto handle = [this](server::StanzaEvent& e) {
    if (e.to.domain() != publisher_->config().jid || e.to.hasNode()) return false;
    const PubsubRequest request = readRequest(e.stanza);
    if (request.kind == PubsubRequest::Kind::unsupported || request.node != kNode) {
      e.server.route(makeRefusal(e.stanza, "feature-not-implemented", "unsupported",
                                 "this service has one node and supports subscribe, "
                                 "unsubscribe and items"));
      return true;
    }
    // Only community members, subscribing their own server JID.
    const std::string subscriber(e.from.bareView());
    if (e.from.hasNode() || !publisher_->isMember(e.from.domain())) {
      e.server.route(makeRefusal(e.stanza, "not-allowed", "closed-node",
                                 subscriber + " is not a member of this community"));
      return true;
    }
    if (request.kind == PubsubRequest::Kind::items) {
      e.server.route(makeItemsResult(e.stanza, publisher_->version(), publisher_->document()));
      return true;
    }
    if (request.jid != subscriber) {
      e.server.route(makeRefusal(e.stanza, "bad-request", "invalid-jid",
                                 "subscribe with your own server JID"));
      return true;
    }
    auto& store = e.server.storage().clearinghouse();
    if (request.kind == PubsubRequest::Kind::subscribe) {
      if (auto added = store.addSubscriber(subscriber); !added) {
        e.server.route(makeRefusal(e.stanza, "resource-constraint", "", added.error().message));
        return true;
      }
      e.server.route(makeSubscribed(e.stanza, subscriber));
      return true;
    }
    (void)store.removeSubscriber(subscriber);
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  };
  const std::string ns(kPubsubNs);
  server.hooks().stanzas.hook("iq-set/host/" + ns, handle);
  server.hooks().stanzas.hook("iq-get/host/" + ns, handle);
  return {};
}

void ClearinghouseModule::notifySubscribers(server::Server& server, std::int64_t version,
                                            const std::string& text) {
  auto subscribers = server.storage().clearinghouse().subscribers();
  if (!subscribers) {
    server.log().error("clearinghouse: cannot read the subscribers: {}",
                       subscribers.error().describe());
    return;
  }
  for (const auto& jid : *subscribers) {
    // A member removed from the table hears nothing more (and cannot fetch).
    if (!publisher_->isMember(jid)) continue;
    server.route(makeNotification(publisher_->config().jid, jid, version, text));
  }
}

base::Result<void> ClearinghouseModule::loadMember(server::Server& server,
                                                   const MemberConfig& config) {
  member_ = std::make_unique<Member>(server, config);
  if (auto started = member_->start(); !started) return started;
  server.hooks().stanzas.hook("message/host", [this](server::StanzaEvent& e) {
    if (e.from.full() != member_->config().clearinghouse) return false;
    auto document = itemDocument(e.stanza);
    if (!document) return false;
    (void)member_->accept(*document, "pubsub");
    return true;
  });
  server.hooks().stanzas.hook(
      "iq/host",
      [this](server::StanzaEvent& e) {
        if (xmpp::isIqRequest(e.stanza)) return false;
        return member_->handleAnswer(e.stanza);
      },
      10);
  return {};
}

std::unique_ptr<ClearinghouseModule> makeClearinghouseModule() {
  return std::make_unique<ClearinghouseModule>();
}

}  // namespace keyfed::clearinghouse
