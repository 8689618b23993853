// XEP-0280 Message Carbons (docs/carbons.md).
//
// Enabling is per session (iq set <enable/>/<disable/> to the own account).
// Received carbons: a message for a local account is delivered by the
// router's defaults from inside our handler, so we know which resources got
// the original; every other resource with carbons enabled gets a <received/>
// copy. Sent carbons: a message a client sends is copied in a <sent/> wrapper
// to the account's other resources with carbons enabled. The handlers run at
// a low priority, after blocking and privacy decided the message may pass.
#include <algorithm>
#include <string>

#include "carbon_copy.hpp"
#include "eligibility.hpp"
#include "keyfed/modules/carbons.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using carbons::Direction;

constexpr std::string_view kDataKey = "carbons";
constexpr int kPriority = -100;

bool carbonsEnabled(server::ClientSession& session) {
  const bool* enabled = session.findData<bool>(kDataKey);
  return enabled != nullptr && *enabled;
}

bool anyEnabled(const std::vector<server::ClientSession*>& resources) {
  return std::any_of(resources.begin(), resources.end(),
                     [](server::ClientSession* s) { return carbonsEnabled(*s); });
}

bool isChatOrNormal(const xml::Element& message) {
  const auto type = xmpp::stanzaType(message);
  return type.empty() || type == "normal" || type == "chat";
}

class CarbonsModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "carbons"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(carbons::kCarbonsNs);
    auto& stanzas = server.hooks().stanzas;
    stanzas.hook("iq-set/self/" + std::string(carbons::kCarbonsNs),
                 [](server::StanzaEvent& e) { return toggle(e); });
    stanzas.hook(
        "message/bare", [](server::StanzaEvent& e) { return toBare(e); }, kPriority);
    stanzas.hook(
        "message/full", [](server::StanzaEvent& e) { return toFull(e); }, kPriority);
    for (const char* event : {"pre-message/bare", "pre-message/full"}) {
      stanzas.hook(
          event, [](server::StanzaEvent& e) { return sentByClient(e); }, kPriority);
    }
    return {};
  }

 private:
  static bool toggle(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (client == nullptr || payload == nullptr) return false;
    if (payload->name() != "enable" && payload->name() != "disable") {
      e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::badRequest);
      return true;
    }
    const bool enable = payload->name() == "enable";
    if (enable) {
      client->data<bool>(kDataKey) = true;
    } else if (bool* enabled = client->findData<bool>(kDataKey)) {
      *enabled = false;
    }
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  }

  // Copies to the account's resources with carbons enabled, except those
  // that got the message itself.
  static void copyTo(server::Server& server, const xml::Element& message, Direction direction,
                     std::string_view bare, const std::vector<server::ClientSession*>& skip) {
    for (server::ClientSession* s : server.sessions().resources(bare)) {
      if (!carbonsEnabled(*s) || std::find(skip.begin(), skip.end(), s) != skip.end()) continue;
      s->send(carbons::wrapCarbon(message, direction, bare, s->jid().full()));
    }
  }

  // RFC 6121 8.5.2.1.1: chat/normal to the bare JID goes to the
  // highest-priority available resources; the others get carbons.
  static bool toBare(server::StanzaEvent& e) {
    const auto bare = e.to.bareView();
    if (!isChatOrNormal(e.stanza) || !anyEnabled(e.server.sessions().resources(bare)) ||
        !carbons::isEligible(e.stanza)) {
      return false;
    }
    const auto targets = e.server.sessions().messageTargets(bare);
    if (targets.empty()) return false;  // offline storage; no copies (XEP-0280 6)
    e.server.deliverToBare(e);
    copyTo(e.server, e.stanza, Direction::received, bare, targets);
    return true;
  }

  static bool toFull(server::StanzaEvent& e) {
    const auto bare = e.to.bareView();
    if (!anyEnabled(e.server.sessions().resources(bare)) || !carbons::isEligible(e.stanza)) {
      return false;
    }
    server::ClientSession* target = e.server.sessions().find(e.to);
    if (target == nullptr) {
      // RFC 6121 8.5.3.2.1: treated as addressed to the bare JID.
      if (!isChatOrNormal(e.stanza)) return false;
      e.to = e.to.bare();
      if (!toBare(e)) e.server.deliverToBare(e);
      return true;
    }
    e.server.deliverToFull(e);
    copyTo(e.server, e.stanza, Direction::received, bare, {target});
    return true;
  }

  static bool sentByClient(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr) return false;
    const auto bare = client->jid().bareView();
    if (anyEnabled(e.server.sessions().resources(bare)) && carbons::isEligible(e.stanza)) {
      copyTo(e.server, e.stanza, Direction::sent, bare, {client});
    }
    return false;  // the message itself travels on
  }
};

}  // namespace

std::unique_ptr<server::Module> makeCarbonsModule() {
  return std::make_unique<CarbonsModule>();
}

}  // namespace keyfed::modules
