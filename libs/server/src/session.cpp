// The outbound layer chain of a client session (session.hpp).
#include "keyfed/server/session.hpp"

#include <algorithm>

namespace keyfed::server {

void ClientSession::send(const xml::Element& stanza) {
  if (layers_.empty()) {
    write(stanza);
    return;
  }
  layers_.front().layer->outbound(*this, stanza);
}

void ClientSession::sendPast(const SessionLayer& from, const xml::Element& stanza) {
  auto it = std::find_if(layers_.begin(), layers_.end(),
                         [&](const LayerEntry& e) { return e.layer == &from; });
  if (it != layers_.end()) ++it;
  if (it == layers_.end()) {
    write(stanza);
    return;
  }
  it->layer->outbound(*this, stanza);
}

void ClientSession::addLayer(SessionLayer& layer, int order) {
  removeLayer(layer);
  auto pos = std::upper_bound(layers_.begin(), layers_.end(), order,
                              [](int o, const LayerEntry& e) { return o < e.order; });
  layers_.insert(pos, LayerEntry{&layer, order});
}

void ClientSession::removeLayer(const SessionLayer& layer) {
  std::erase_if(layers_, [&](const LayerEntry& e) { return e.layer == &layer; });
}

bool ClientSession::keptAfterConnectionLoss() {
  bool kept = false;
  // Every layer hears of the loss; one keeping the session is enough.
  for (const auto& entry : layers_) kept = entry.layer->keepAfterConnectionLoss(*this) || kept;
  return kept;
}

void ClientSession::adoptFrom(ClientSession& old) {
  jid_ = std::move(old.jid_);
  old.jid_ = xmpp::Jid();
  presence = std::move(old.presence);
  old.presence = PresenceState{};
  data_ = std::move(old.data_);
  old.data_.clear();
  layers_ = std::move(old.layers_);
  old.layers_.clear();
}

}  // namespace keyfed::server
