// Explicit subscriptions and affiliations (XEP-0060): subscribe (6.1) and
// unsubscribe (6.2) for the requester's own JID, its subscriptions (5.6) and
// affiliations (5.7), and the owner's view of a node's subscriptions (8.8.1)
// and affiliations (8.9.1). PEP has one affiliation, the account's 'owner'.
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "pubsub_errors.hpp"
#include "pubsub_service.hpp"

namespace keyfed::modules::pep {
namespace {

using xmpp::StanzaErrorCondition;

// The subscriber JID of a request; `refusal` says why there is none. It must
// be the requester's own, bare or full (6.1.3.1); 'mismatch' is the condition
// for someone else's (subscribe: bad-request, unsubscribe: forbidden).
std::optional<xmpp::Jid> subscriberJid(const xml::Element& iq, const xml::Element& request,
                                       const Requester& requester, StanzaErrorCondition mismatch,
                                       xml::Element& refusal) {
  const std::string_view text = request.attr("jid");
  if (text.empty()) {
    refusal = pubsubRefusal(iq, StanzaErrorCondition::badRequest, "jid-required");
    return std::nullopt;
  }
  auto jid = xmpp::Jid::parse(text);
  if (!jid) {
    refusal = pubsubRefusal(iq, StanzaErrorCondition::badRequest, "invalid-jid");
    return std::nullopt;
  }
  if (jid->bareView() != bareOf(requester.jid)) {
    refusal = pubsubRefusal(iq, mismatch,
                            mismatch == StanzaErrorCondition::badRequest ? "invalid-jid" : "");
    return std::nullopt;
  }
  return std::move(*jid);
}

xml::Element& addSubscription(xml::Element& parent, std::string_view ns,
                              const storage::PepSubscription& s) {
  auto& el = parent.addChild("subscription", std::string(ns));
  el.setAttr("node", s.node).setAttr("jid", s.jid).setAttr("subscription", "subscribed");
  return el;
}

}  // namespace

Outcome PubsubService::subscribe(const xml::Element& iq, const xml::Element& request,
                                 const xmpp::Jid& owner, const Requester& requester) {
  xml::Element refusal;
  auto jid = subscriberJid(iq, request, requester, StanzaErrorCondition::badRequest, refusal);
  if (!jid) return {std::move(refusal), {}};
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  if (!mayRetrieve(named->config, requester)) {
    return {accessRefusal(iq, named->config.accessModel), {}};
  }
  auto stored =
      store_.subscribe(owner.node(), owner.domain(), named->name, jid->full(),
                       limits_.maxSubscriptionsPerNode, limits_.maxSubscriptionsPerAccount);
  if (!stored) {
    if (stored.error().code == storage::errc::kQuota) {
      return {pubsubRefusal(iq, StanzaErrorCondition::notAllowed, "too-many-subscriptions",
                            stored.error().message),
              {}};
    }
    return {storageRefusal(iq, stored.error()), {}};
  }

  const std::string ns(xmpp::ns::pubsub);
  xml::Element answer("pubsub", ns);
  addSubscription(answer, ns, storage::PepSubscription{named->name, jid->full()});
  Outcome outcome{xmpp::makeIqResult(iq, std::move(answer)), {}};
  // XEP-0060 6.1.7: a new subscriber gets the last item unless the node never sends it.
  if (named->config.sendLastPublishedItem != SendLastItem::never) {
    if (auto event = lastItemEvent(owner, named->name)) {
      outcome.lastItem = AddressedEvent{jid->full(), std::move(*event)};
    }
  }
  return outcome;
}

Outcome PubsubService::unsubscribe(const xml::Element& iq, const xml::Element& request,
                                   const xmpp::Jid& owner, const Requester& requester) {
  xml::Element refusal;
  auto jid = subscriberJid(iq, request, requester, StanzaErrorCondition::forbidden, refusal);
  if (!jid) return {std::move(refusal), {}};
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  auto removed = store_.unsubscribe(owner.node(), owner.domain(), named->name, jid->full());
  if (!removed) return {storageRefusal(iq, removed.error()), {}};
  // 6.2.3.2: no such subscription.
  if (!*removed) {
    return {pubsubRefusal(iq, StanzaErrorCondition::unexpectedRequest, "not-subscribed"), {}};
  }
  return {xmpp::makeIqResult(iq), {}};
}

Outcome PubsubService::subscriptionsOf(const xml::Element& iq, const xml::Element& request,
                                       const xmpp::Jid& owner, const Requester& requester) {
  auto mine = store_.subscriptionsOf(owner.node(), owner.domain(), bareOf(requester.jid));
  if (!mine) return {storageRefusal(iq, mine.error()), {}};
  const std::string ns(xmpp::ns::pubsub);
  const std::string_view node = request.attr("node");
  xml::Element answer("pubsub", ns);
  auto& list = answer.addChild("subscriptions", ns);
  if (!node.empty()) list.setAttr("node", node);
  for (const auto& s : *mine) {
    if (node.empty() || s.node == node) addSubscription(list, ns, s);
  }
  return {xmpp::makeIqResult(iq, std::move(answer)), {}};
}

Outcome PubsubService::affiliationsOf(const xml::Element& iq, const xml::Element& request,
                                      const xmpp::Jid& owner, const Requester& requester) {
  const std::string ns(xmpp::ns::pubsub);
  const std::string_view node = request.attr("node");
  xml::Element answer("pubsub", ns);
  auto& list = answer.addChild("affiliations", ns);
  if (!node.empty()) list.setAttr("node", node);
  // Everyone else has affiliation 'none', which is not listed (5.7.1).
  if (requester.relation == Relation::owner) {
    auto nodes = store_.nodes(owner.node(), owner.domain());
    if (!nodes) return {storageRefusal(iq, nodes.error()), {}};
    for (const auto& n : *nodes) {
      if (!node.empty() && n.node != node) continue;
      list.addChild("affiliation", ns).setAttr("node", n.node).setAttr("affiliation", "owner");
    }
  }
  return {xmpp::makeIqResult(iq, std::move(answer)), {}};
}

Outcome PubsubService::nodeSubscriptions(const xml::Element& iq, const xml::Element& request,
                                         const xmpp::Jid& owner) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  auto subscriptions = store_.subscriptions(owner.node(), owner.domain(), named->name);
  if (!subscriptions) return {storageRefusal(iq, subscriptions.error()), {}};
  const std::string ns(xmpp::ns::pubsubOwner);
  xml::Element answer("pubsub", ns);
  auto& list = answer.addChild("subscriptions", ns);
  list.setAttr("node", named->name);
  for (const auto& s : *subscriptions) {
    // 8.8.1.2: without the node attribute, which is on the list.
    list.addChild("subscription", ns).setAttr("jid", s.jid).setAttr("subscription", "subscribed");
  }
  return {xmpp::makeIqResult(iq, std::move(answer)), {}};
}

Outcome PubsubService::nodeAffiliations(const xml::Element& iq, const xml::Element& request,
                                        const xmpp::Jid& owner) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  const std::string ns(xmpp::ns::pubsubOwner);
  xml::Element answer("pubsub", ns);
  auto& list = answer.addChild("affiliations", ns);
  list.setAttr("node", named->name);
  list.addChild("affiliation", ns).setAttr("jid", owner.bareView()).setAttr("affiliation", "owner");
  return {xmpp::makeIqResult(iq, std::move(answer)), {}};
}

}  // namespace keyfed::modules::pep
