// XEP-0198 Stream Management (docs/stream-management.md).
//
// The protocol elements (<enable/>, <r/>, <a/>, <resume/>) arrive as c2s
// nonzas; the per-session work is SmStream's. When a session ends for good
// (clean close, timeout without resumption, replacement, shutdown), the
// stanzas the client never acknowledged are not dropped: messages with a
// body go to offline storage, iq requests and other messages are bounced.
#include <memory>
#include <string>
#include <unordered_map>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/sm.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/scram.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "sm_stream.hpp"

namespace keyfed::modules {
namespace {

using sm::kSmNs;
using sm::SmStream;
using xmpp::StanzaErrorCondition;

constexpr std::string_view kDataKey = "sm";

// <failed xmlns='urn:xmpp:sm:3' [h='...']><CONDITION xmlns='...stanzas'/></failed>
xml::Element failed(std::string_view condition, const SmStream* stream = nullptr) {
  xml::Element element("failed", std::string(kSmNs));
  if (stream != nullptr) element.setAttr("h", std::to_string(stream->handled()));
  element.addChild(std::string(condition), std::string(xmpp::ns::stanzas));
  return element;
}

bool isChatOrNormal(const xml::Element& message) {
  const auto type = xmpp::stanzaType(message);
  return type.empty() || type == "normal" || type == "chat";
}

class SmModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "sm"; }

  base::Result<void> load(server::Server& server) override {
    server.hooks().features.hook("c2s-features", [](server::FeaturesEvent& e) {
      if (e.authenticated) e.features.addChild("sm", std::string(kSmNs));
      return false;
    });
    server.hooks().stanzas.hook("c2s-nonza/" + std::string(kSmNs),
                                [this](server::StanzaEvent& e) { return handle(e); });
    server.hooks().sessions.hook("resource-unbound", [this](server::SessionEvent& e) {
      ended(e.server, e.session);
      return false;
    });
    return {};
  }

 private:
  static std::shared_ptr<SmStream> streamOf(server::ClientSession& session) {
    auto* stream = session.findData<std::shared_ptr<SmStream>>(kDataKey);
    return stream != nullptr ? *stream : nullptr;
  }

  bool handle(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr) return false;
    const auto& name = e.stanza.name();
    if (name == "enable") return enable(e.server, *client, e.stanza);
    if (name == "resume") return resume(*client, e.stanza);
    auto stream = streamOf(*client);
    if (!stream) return false;  // <r/> or <a/> without <enable/>: c2s ends the stream
    if (name == "r") {
      xml::Element answer("a", std::string(kSmNs));
      answer.setAttr("h", std::to_string(stream->handled()));
      client->sendDirect(answer);
      return true;
    }
    if (name == "a") {
      auto h = sm::parseCounter(e.stanza.attr("h"));
      auto acked = h ? stream->acknowledge(*h) : base::Result<void>(base::fail(h.error()));
      if (!acked) {
        log_.info("{}: bad acknowledgement: {}", client->jid().full(), acked.error().message);
        client->closeWithError(xmpp::StreamErrorCondition::undefinedCondition,
                               acked.error().message);
      }
      return true;
    }
    return false;
  }

  bool enable(server::Server& server, server::ClientSession& client, const xml::Element& request) {
    // Section 3: only on a bound resource, and only once.
    if (!client.bound() || streamOf(client)) {
      client.sendDirect(failed("unexpected-request"));
      return true;
    }
    const auto config = smConfig(server.config());
    const auto resume = request.attr("resume");
    const bool resumable = (resume == "true" || resume == "1") && config.resumeTimeout.count() > 0;
    // 144 random bits; 18 bytes encode to 24 base64 characters without padding.
    std::string id = resumable ? xmpp::base64Encode(xmpp::randomBytes(18)) : std::string();
    auto stream = std::make_shared<SmStream>(server, client, config, id);
    xml::Element enabled("enabled", std::string(kSmNs));
    if (resumable) {
      enabled.setAttr("id", id);
      enabled.setAttr("resume", "true");
      enabled.setAttr("max", std::to_string(config.resumeTimeout.count()));
      resumable_[id] = stream;
    }
    client.sendDirect(enabled);  // before the layer: the answer is not counted
    client.data<std::shared_ptr<SmStream>>(kDataKey) = stream;
    client.addLayer(*stream, sm::kLayerOrder);
    return true;
  }

  bool resume(server::ClientSession& fresh, const xml::Element& request) {
    if (!fresh.authenticated() || fresh.bound()) {
      fresh.sendDirect(failed("unexpected-request"));
      return true;
    }
    auto it = resumable_.find(request.attr("previd"));
    auto stream = it != resumable_.end() ? it->second.lock() : nullptr;
    // Another account's session is as unknown as an expired one.
    if (!stream || stream->session().user() != fresh.user() ||
        stream->session().host() != fresh.host()) {
      fresh.sendDirect(failed("item-not-found"));
      return true;
    }
    auto h = sm::parseCounter(request.attr("h"));
    if (!h || !stream->acknowledge(*h)) {
      fresh.sendDirect(failed("undefined-condition", stream.get()));
      return true;
    }
    server::ClientSession& previous = stream->session();
    if (!previous.resumeOnto(fresh)) {
      fresh.sendDirect(failed("unexpected-request", stream.get()));
      return true;
    }
    stream->resumedOn(fresh);
    log_.debug("{} resumed with {} unacknowledged stanzas", fresh.jid().full(),
               stream->unacked().size());
    return true;
  }

  // The session is over: nothing unacknowledged is silently lost.
  void ended(server::Server& server, server::ClientSession& session) {
    auto stream = streamOf(session);
    if (!stream) return;
    if (!stream->resumeId().empty()) resumable_.erase(stream->resumeId());
    session.removeLayer(*stream);
    auto unacked = stream->takeUnacked();
    if (unacked.empty()) return;
    std::size_t stored = 0;
    std::size_t bounced = 0;
    std::size_t dropped = 0;
    const auto bare = session.jid().bare();
    for (auto& stanza : unacked) {
      const auto kind = xmpp::stanzaKind(stanza);
      const bool message = kind == xmpp::StanzaKind::message;
      if (message && isChatOrNormal(stanza) && stanza.child("body", stanza.ns()) != nullptr) {
        xmpp::Jid from;
        if (auto parsed = xmpp::Jid::parse(stanza.attr("from"))) from = std::move(*parsed);
        server::StanzaEvent event{server, stanza, nullptr, std::move(from), bare};
        if (server.hooks().stanzas.fire("message/offline", event)) {
          ++stored;
          continue;
        }
      }
      const bool request = kind == xmpp::StanzaKind::iq && xmpp::isIqRequest(stanza);
      if (request || (message && stanza.child("body", stanza.ns()) != nullptr)) {
        server.bounce(stanza, StanzaErrorCondition::serviceUnavailable);
        ++bounced;
      } else {
        ++dropped;  // presence, chat states, results: stale once the session is gone
      }
    }
    log_.info("{} ended with {} unacknowledged stanzas: {} stored offline, {} bounced, {} stale",
              session.jid().full(), unacked.size(), stored, bounced, dropped);
  }

  // Resumable sessions by id; entries leave when the session ends.
  std::unordered_map<std::string, std::weak_ptr<SmStream>, server::StringHash, std::equal_to<>>
      resumable_;
  base::Logger log_{"sm"};
};

}  // namespace

std::unique_ptr<server::Module> makeSmModule() {
  return std::make_unique<SmModule>();
}

}  // namespace keyfed::modules
