// XEP-0352 Client State Indication (docs/csi.md).
//
// <inactive/> installs a layer on the session's outbound path that holds
// presence and chat states (coalesced per sender) and lets everything else
// through, after flushing what it holds so the client sees events in order.
// <active/> flushes and removes the layer, so an active session pays nothing.
#include <memory>
#include <string>

#include "held_queue.hpp"
#include "keyfed/modules/csi.hpp"
#include "keyfed/server/server.hpp"
#include "treatment.hpp"

namespace keyfed::modules {
namespace {

using csi::kCsiNs;

constexpr std::string_view kDataKey = "csi";
// Layers run in ascending order: CSI holds before stream management counts.
constexpr int kLayerOrder = 10;
// One presence per contact is the usual load; a roster this size flushes
// early rather than growing without bound.
constexpr std::size_t kMaxHeld = 256;

class CsiLayer final : public server::SessionLayer {
 public:
  void outbound(server::ClientSession& session, const xml::Element& stanza) override {
    const auto treatment = csi::classify(stanza);
    if (treatment != csi::Treatment::urgent && held_.hold(treatment, stanza)) return;
    flush(session);
    session.sendPast(*this, stanza);
  }

  void flush(server::ClientSession& session) {
    held_.flush([&](const xml::Element& held) { session.sendPast(*this, held); });
  }

  bool inactive = false;

 private:
  csi::HeldQueue held_{kMaxHeld};
};

class CsiModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "csi"; }

  base::Result<void> load(server::Server& server) override {
    server.hooks().features.hook("c2s-features", [](server::FeaturesEvent& e) {
      if (e.authenticated) e.features.addChild("csi", std::string(kCsiNs));
      return false;
    });
    server.hooks().stanzas.hook("c2s-nonza/" + std::string(kCsiNs),
                                [](server::StanzaEvent& e) { return handleState(e); });
    return {};
  }

 private:
  static bool handleState(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr || !client->bound()) return false;
    if (e.stanza.name() == "inactive") {
      auto& layer = client->data<std::shared_ptr<CsiLayer>>(kDataKey);
      if (!layer) layer = std::make_shared<CsiLayer>();
      if (!layer->inactive) {
        layer->inactive = true;
        client->addLayer(*layer, kLayerOrder);
      }
      return true;
    }
    if (e.stanza.name() == "active") {
      auto* layer = client->findData<std::shared_ptr<CsiLayer>>(kDataKey);
      if (layer != nullptr && *layer && (*layer)->inactive) {
        (*layer)->inactive = false;
        (*layer)->flush(*client);
        client->removeLayer(**layer);
      }
      return true;
    }
    return false;  // c2s ends the stream: nothing else lives in this namespace
  }
};

}  // namespace

std::unique_ptr<server::Module> makeCsiModule() {
  return std::make_unique<CsiModule>();
}

}  // namespace keyfed::modules
