// The owner's requests (pubsub#owner): node configuration and deletion.
// Subscriptions and affiliations: pubsub_subscriptions.cpp.
#include <limits>

#include "data_form.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "pubsub_errors.hpp"
#include "pubsub_service.hpp"

namespace keyfed::modules::pep {

using xmpp::StanzaErrorCondition;

Outcome PubsubService::configure(const xml::Element& iq, const xml::Element& request,
                                 const xmpp::Jid& owner) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  const std::string& node = named->name;
  const std::string ownerNs(xmpp::ns::pubsubOwner);

  if (xmpp::stanzaType(iq) == "get") {
    xml::Element answer("pubsub", ownerNs);
    auto& configure = answer.addChild("configure", ownerNs);
    configure.setAttr("node", node);
    configure.addChild(configForm(named->config));
    return {xmpp::makeIqResult(iq, std::move(answer)), {}};
  }

  const xml::Element* x = request.child("x", xmpp::ns::dataForms);
  if (x == nullptr) return {pubsubRefusal(iq, StanzaErrorCondition::badRequest), {}};
  if (x->attr("type") == "cancel") return {xmpp::makeIqResult(iq), {}};
  auto fields = readSubmittedForm(*x, xmpp::ns::pubsubNodeConfig);
  if (!fields) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest, {}, fields.error().message), {}};
  }
  NodeConfig config = named->config;
  for (const auto& f : *fields) {
    if (auto r = applyField(config, f, limits_.maxItemsPerNode); !r) {
      return {pubsubRefusal(iq, StanzaErrorCondition::notAcceptable, {}, r.error().message), {}};
    }
  }
  // The node exists, so the node count cannot grow.
  auto saved =
      store_.putNode(owner.node(), owner.domain(), storage::PepNode{node, storedConfig(config)},
                     std::numeric_limits<std::size_t>::max());
  if (!saved) return {storageRefusal(iq, saved.error()), {}};
  auto trimmed = store_.trimItems(owner.node(), owner.domain(), node,
                                  config.itemsKept(limits_.maxItemsPerNode));
  if (!trimmed) return {storageRefusal(iq, trimmed.error()), {}};
  return {xmpp::makeIqResult(iq), {}};
}

Outcome PubsubService::deleteNode(const xml::Element& iq, const xml::Element& request,
                                  const xmpp::Jid& owner) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  const std::string& node = named->name;
  // The subscriptions go with the node: read them first, to tell them.
  auto subscriptions = store_.subscriptions(owner.node(), owner.domain(), node);
  if (!subscriptions) return {storageRefusal(iq, subscriptions.error()), {}};
  auto removed = store_.removeNode(owner.node(), owner.domain(), node);
  if (!removed) return {storageRefusal(iq, removed.error()), {}};
  if (!*removed) return {pubsubRefusal(iq, StanzaErrorCondition::itemNotFound), {}};
  // XEP-0060 8.4.2: those who got the node's items hear that it is gone.
  Notification notification{node, named->config,
                            xml::Element("event", std::string(xmpp::ns::pubsubEvent))};
  notification.event.addChild("delete", std::string(xmpp::ns::pubsubEvent)).setAttr("node", node);
  notification.formerSubscriptions = std::move(*subscriptions);
  return {xmpp::makeIqResult(iq), std::move(notification)};
}

}  // namespace keyfed::modules::pep
