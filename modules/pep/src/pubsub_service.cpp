// Requests of the publisher and of readers: publish (with publish-options),
// retrieve items, retract, create. The owner's configure and delete are in
// pubsub_owner.cpp, subscriptions and affiliations in pubsub_subscriptions.cpp.
#include "pubsub_service.hpp"

#include <algorithm>
#include <charconv>

#include "data_form.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "pubsub_errors.hpp"

namespace keyfed::modules::pep {
namespace {

using xmpp::StanzaErrorCondition;
namespace errc = storage::errc;

constexpr std::size_t kMaxRequestedIds = 64;

// XEP-0060 booleans on attributes: "1"/"true".
bool isTrue(std::string_view value) {
  return value == "1" || value == "true";
}

std::string pubsubNs() {
  return std::string(xmpp::ns::pubsub);
}

// The one element of `parent` named `name` in the pubsub namespace, or nullptr.
const xml::Element* only(const xml::Element& parent, std::string_view name) {
  return parent.child(name, xmpp::ns::pubsub);
}

}  // namespace

bool mayRetrieve(const NodeConfig& config, Relation relation,
                 const std::vector<std::string>& groups) {
  if (relation == Relation::owner) return true;
  switch (config.accessModel) {
    case AccessModel::open: return true;
    case AccessModel::presence: return relation == Relation::subscriber;
    case AccessModel::roster: {
      // Both sorted: any group in common.
      const auto& allowed = config.rosterGroupsAllowed;
      auto a = allowed.begin();
      auto g = groups.begin();
      while (a != allowed.end() && g != groups.end()) {
        if (*a == *g) return true;
        if (*a < *g) {
          ++a;
        } else {
          ++g;
        }
      }
      return false;
    }
    case AccessModel::whitelist: break;
  }
  return false;
}

xml::Element accessRefusal(const xml::Element& iq, AccessModel model) {
  switch (model) {
    case AccessModel::presence:
      return pubsubRefusal(iq, StanzaErrorCondition::notAuthorized,
                           "presence-subscription-required");
    case AccessModel::roster:
      return pubsubRefusal(iq, StanzaErrorCondition::notAuthorized, "not-in-roster-group");
    case AccessModel::open:
    case AccessModel::whitelist: break;
  }
  return pubsubRefusal(iq, StanzaErrorCondition::notAllowed, "closed-node");
}

xml::Element makeItemsEvent(std::string_view node) {
  xml::Element event("event", std::string(xmpp::ns::pubsubEvent));
  event.addChild("items", std::string(xmpp::ns::pubsubEvent)).setAttr("node", node);
  return event;
}

PubsubService::PubsubService(storage::PepStore& store, const PepConfig& limits)
    : store_(store), limits_(limits), ids_(std::random_device{}()) {}

Outcome PubsubService::handle(const xml::Element& iq, const xmpp::Jid& owner,
                              const Requester& requester) {
  const Relation relation = requester.relation;
  const xml::Element* pubsub = xmpp::iqPayload(iq);
  const bool set = xmpp::stanzaType(iq) == "set";
  if (pubsub == nullptr || pubsub->childCount() == 0) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest), {}};
  }
  const xml::Element& op = *pubsub->children().begin();
  if (pubsub->ns() == xmpp::ns::pubsubOwner) {
    if (relation != Relation::owner)
      return {pubsubRefusal(iq, StanzaErrorCondition::forbidden), {}};
    if (op.name() == "configure") return configure(iq, op, owner);
    if (set && op.name() == "delete") return deleteNode(iq, op, owner);
    if (!set && op.name() == "subscriptions") return nodeSubscriptions(iq, op, owner);
    if (!set && op.name() == "affiliations") return nodeAffiliations(iq, op, owner);
    // The owner cannot change subscriptions or affiliations (docs/pep.md).
    return {unsupportedFeature(iq, op.name() == "subscriptions"  ? "manage-subscriptions"
                                   : op.name() == "affiliations" ? "modify-affiliations"
                                                                 : op.name()),
            {}};
  }
  if (op.ns() != xmpp::ns::pubsub) return {pubsubRefusal(iq, StanzaErrorCondition::badRequest), {}};
  if (!set) {
    if (op.name() == "items") return items(iq, op, owner, requester);
    if (op.name() == "subscriptions") return subscriptionsOf(iq, op, owner, requester);
    if (op.name() == "affiliations") return affiliationsOf(iq, op, owner, requester);
    return {unsupportedFeature(iq, op.name()), {}};
  }
  const bool writes = op.name() == "publish" || op.name() == "retract" || op.name() == "create";
  if (writes && relation != Relation::owner) {
    return {pubsubRefusal(iq, StanzaErrorCondition::forbidden), {}};
  }
  if (op.name() == "publish") return publish(iq, *pubsub, owner);
  if (op.name() == "retract") return retract(iq, op, owner);
  if (op.name() == "create") return create(iq, *pubsub, owner);
  if (op.name() == "subscribe") return subscribe(iq, op, owner, requester);
  if (op.name() == "unsubscribe") return unsubscribe(iq, op, owner, requester);
  return {unsupportedFeature(iq, op.name()), {}};
}

Outcome PubsubService::publish(const xml::Element& iq, const xml::Element& pubsub,
                               const xmpp::Jid& owner) {
  const xml::Element& request = *only(pubsub, "publish");
  const std::string node(request.attr("node"));
  if (node.empty()) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest, "nodeid-required"), {}};
  }
  const auto itemCount = request.childCount();
  const xml::Element* item = request.child("item", xmpp::ns::pubsub);
  if (itemCount != 1 || item == nullptr) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest,
                          itemCount == 0 ? "item-required" : "invalid-payload"),
            {}};
  }
  if (item->childCount() != 1) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest,
                          item->childCount() == 0 ? "payload-required" : "invalid-payload"),
            {}};
  }
  const xml::Element& payload = *item->children().begin();
  std::string payloadText = xml::toString(payload);
  if (payloadText.size() > limits_.maxPayloadBytes) {
    return {
        pubsubRefusal(iq, StanzaErrorCondition::notAcceptable, "payload-too-big",
                      "items are limited to " + std::to_string(limits_.maxPayloadBytes) + " bytes"),
        {}};
  }

  if (hooks_.check) {
    if (auto refusal = hooks_.check(owner, node, payload)) {
      return {
          pubsubRefusal(iq, refusal->condition,
                        refusal->condition == StanzaErrorCondition::badRequest ? "invalid-payload"
                                                                               : std::string_view{},
                        refusal->text),
          {}};
    }
  }

  std::vector<FormField> options;
  if (const xml::Element* po = only(pubsub, "publish-options"); po != nullptr) {
    const xml::Element* x = po->child("x", xmpp::ns::dataForms);
    if (x != nullptr) {
      auto read = readSubmittedForm(*x, xmpp::ns::pubsubPublishOptions);
      if (!read) {
        return {pubsubRefusal(iq, StanzaErrorCondition::badRequest, "invalid-options",
                              read.error().message),
                {}};
      }
      options = std::move(*read);
    }
  }

  auto loaded = loadNode(owner, node);
  if (!loaded) return {storageRefusal(iq, loaded.error()), {}};
  NodeConfig config;
  if (*loaded) {
    config = **loaded;
    for (const auto& o : options) {
      if (!meetsPrecondition(config, o, limits_.maxItemsPerNode)) {
        return {pubsubRefusal(iq, StanzaErrorCondition::conflict, "precondition-not-met",
                              "the node's " + o.var + " differs"),
                {}};
      }
    }
  } else {
    // Auto-create (XEP-0163 section 7.1): the options become the new node's
    // configuration; one it cannot take is a precondition not met. A module's
    // defaults for the node (XEP-0292's open vCard4) come first.
    if (hooks_.nodeDefaults) {
      std::vector<FormField> defaults;
      hooks_.nodeDefaults(owner, node, defaults);
      for (const auto& d : defaults) {
        if (auto r = applyField(config, d.var, d.value, limits_.maxItemsPerNode); !r) {
          return {pubsubRefusal(iq, StanzaErrorCondition::internalServerError), {}};
        }
      }
    }
    for (const auto& o : options) {
      if (auto r = applyField(config, o, limits_.maxItemsPerNode); !r) {
        return {pubsubRefusal(iq, StanzaErrorCondition::conflict, "precondition-not-met",
                              r.error().message),
                {}};
      }
    }
    auto created =
        store_.putNode(owner.node(), owner.domain(), storage::PepNode{node, storedConfig(config)},
                       limits_.maxNodesPerAccount);
    if (!created) return {storageRefusal(iq, created.error()), {}};
  }

  const std::string id = item->attr("id").empty() ? newItemId() : std::string(item->attr("id"));
  auto stored =
      store_.putItem(owner.node(), owner.domain(), node,
                     storage::PepItem{id, std::move(payloadText), std::string(owner.bareView())},
                     config.itemsKept(limits_.maxItemsPerNode));
  if (!stored) return {storageRefusal(iq, stored.error()), {}};

  xml::Element answer("pubsub", pubsubNs());
  answer.addChild("publish", pubsubNs())
      .setAttr("node", node)
      .addChild("item", pubsubNs())
      .setAttr("id", id);
  Notification notification{node, config, makeItemsEvent(node)};
  auto& eventItem =
      notification.event.children().begin()->addChild("item", std::string(xmpp::ns::pubsubEvent));
  eventItem.setAttr("id", id);
  eventItem.addChild(payload.clone());
  return {xmpp::makeIqResult(iq, std::move(answer)), std::move(notification)};
}

Outcome PubsubService::items(const xml::Element& iq, const xml::Element& request,
                             const xmpp::Jid& owner, const Requester& requester) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  const std::string& node = named->name;
  if (!mayRetrieve(named->config, requester)) {
    return {accessRefusal(iq, named->config.accessModel), {}};
  }

  std::vector<storage::PepItem> found;
  const auto requested = request.children("item", xmpp::ns::pubsub);
  if (!requested.empty()) {
    std::size_t n = 0;
    for (const xml::Element& wanted : requested) {
      if (++n > kMaxRequestedIds || wanted.attr("id").empty()) {
        return {pubsubRefusal(iq, StanzaErrorCondition::badRequest), {}};
      }
      auto one = store_.item(owner.node(), owner.domain(), node, wanted.attr("id"));
      if (!one) return {storageRefusal(iq, one.error()), {}};
      if (*one) found.push_back(std::move(**one));
    }
  } else {
    std::size_t max = limits_.maxItemsPerNode;
    if (const std::string* text = request.findAttr("max_items"); text != nullptr) {
      std::size_t n = 0;
      const char* end = text->data() + text->size();
      auto [ptr, ec] = std::from_chars(text->data(), end, n);
      if (ec != std::errc{} || ptr != end) {
        return {
            pubsubRefusal(iq, StanzaErrorCondition::badRequest, {}, "max_items is not a number"),
            {}};
      }
      max = std::min(max, n);
    }
    auto newest = store_.items(owner.node(), owner.domain(), node, max);
    if (!newest) return {storageRefusal(iq, newest.error()), {}};
    found.assign(std::make_move_iterator(newest->rbegin()),
                 std::make_move_iterator(newest->rend()));
  }

  xml::Element answer("pubsub", pubsubNs());
  auto& list = answer.addChild("items", pubsubNs());
  list.setAttr("node", node);
  for (const auto& item : found) {
    if (auto el = itemElement(item, xmpp::ns::pubsub)) list.addChild(std::move(*el));
  }
  return {xmpp::makeIqResult(iq, std::move(answer)), {}};
}

Outcome PubsubService::retract(const xml::Element& iq, const xml::Element& request,
                               const xmpp::Jid& owner) {
  xml::Element refusal;
  auto named = existingNode(iq, request, owner, refusal);
  if (!named) return {std::move(refusal), {}};
  const std::string& node = named->name;
  const xml::Element* item = request.child("item", xmpp::ns::pubsub);
  if (item == nullptr || item->attr("id").empty() || request.childCount() != 1) {
    return {pubsubRefusal(iq, StanzaErrorCondition::badRequest, "item-required"), {}};
  }
  auto removed = store_.removeItem(owner.node(), owner.domain(), node, item->attr("id"));
  if (!removed) return {storageRefusal(iq, removed.error()), {}};
  if (!*removed) return {pubsubRefusal(iq, StanzaErrorCondition::itemNotFound), {}};

  const std::string* notifyAttr = request.findAttr("notify");
  const bool notify = notifyAttr != nullptr ? isTrue(*notifyAttr) : named->config.notifyRetract;
  if (!notify) return {xmpp::makeIqResult(iq), {}};
  Notification notification{node, named->config, makeItemsEvent(node)};
  notification.event.children()
      .begin()
      ->addChild("retract", std::string(xmpp::ns::pubsubEvent))
      .setAttr("id", item->attr("id"));
  return {xmpp::makeIqResult(iq), std::move(notification)};
}

Outcome PubsubService::create(const xml::Element& iq, const xml::Element& pubsub,
                              const xmpp::Jid& owner) {
  const std::string node(only(pubsub, "create")->attr("node"));
  if (node.empty()) {
    return {pubsubRefusal(iq, StanzaErrorCondition::notAcceptable, "nodeid-required"), {}};
  }
  NodeConfig config;
  if (const xml::Element* configure = only(pubsub, "configure"); configure != nullptr) {
    if (const xml::Element* x = configure->child("x", xmpp::ns::dataForms); x != nullptr) {
      auto fields = readSubmittedForm(*x, xmpp::ns::pubsubNodeConfig);
      if (!fields) {
        return {pubsubRefusal(iq, StanzaErrorCondition::badRequest, {}, fields.error().message),
                {}};
      }
      for (const auto& f : *fields) {
        if (auto r = applyField(config, f, limits_.maxItemsPerNode); !r) {
          return {pubsubRefusal(iq, StanzaErrorCondition::notAcceptable, {}, r.error().message),
                  {}};
        }
      }
    }
  }
  auto loaded = loadNode(owner, node);
  if (!loaded) return {storageRefusal(iq, loaded.error()), {}};
  if (*loaded) return {pubsubRefusal(iq, StanzaErrorCondition::conflict), {}};
  auto created =
      store_.putNode(owner.node(), owner.domain(), storage::PepNode{node, storedConfig(config)},
                     limits_.maxNodesPerAccount);
  if (!created) return {storageRefusal(iq, created.error()), {}};
  return {xmpp::makeIqResult(iq), {}};
}

std::optional<PubsubService::NamedNode> PubsubService::existingNode(const xml::Element& iq,
                                                                    const xml::Element& request,
                                                                    const xmpp::Jid& owner,
                                                                    xml::Element& refusal) {
  std::string node(request.attr("node"));
  if (node.empty()) {
    refusal = pubsubRefusal(iq, StanzaErrorCondition::badRequest, "nodeid-required");
    return std::nullopt;
  }
  auto loaded = loadNode(owner, node);
  if (!loaded || !*loaded) {
    refusal = loaded ? pubsubRefusal(iq, StanzaErrorCondition::itemNotFound)
                     : storageRefusal(iq, loaded.error());
    return std::nullopt;
  }
  return NamedNode{std::move(node), **loaded};
}

base::Result<std::optional<NodeConfig>> PubsubService::loadNode(const xmpp::Jid& owner,
                                                                std::string_view node) {
  auto stored = store_.node(owner.node(), owner.domain(), node);
  if (!stored) return base::fail(stored.error());
  if (!*stored) return std::optional<NodeConfig>{};
  auto config = parseStoredConfig((*stored)->config, limits_.maxItemsPerNode);
  if (!config) return base::fail(config.error());
  return std::optional<NodeConfig>(*config);
}

xml::Element PubsubService::storageRefusal(const xml::Element& iq, const base::Error& error) {
  if (error.code == errc::kNotFound) return pubsubRefusal(iq, StanzaErrorCondition::itemNotFound);
  if (error.code == errc::kInvalid) {
    return pubsubRefusal(iq, StanzaErrorCondition::notAcceptable, {}, error.message);
  }
  if (error.code == errc::kQuota) {
    return pubsubRefusal(iq, StanzaErrorCondition::notAllowed, "max-nodes-exceeded", error.message);
  }
  return pubsubRefusal(iq, StanzaErrorCondition::internalServerError);
}

std::optional<xml::Element> PubsubService::itemElement(const storage::PepItem& item,
                                                       std::string_view ns) {
  auto payload = xml::parseStoredElement(item.payload, limits_.maxPayloadBytes + 1024);
  if (!payload) return std::nullopt;
  xml::Element el("item", std::string(ns));
  el.setAttr("id", item.id);
  el.addChild(std::move(*payload));
  return el;
}

std::string PubsubService::newItemId() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t bits = ids_();
  std::string id(16, '0');
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

std::vector<LastItem> PubsubService::lastItemsOf(const xmpp::Jid& owner, const Requester& requester,
                                                 const std::vector<storage::PepNode>& nodes) {
  std::vector<LastItem> out;
  for (const auto& node : nodes) {
    auto config = parseStoredConfig(node.config, limits_.maxItemsPerNode);
    if (!config || !mayRetrieve(*config, requester) ||
        config->sendLastPublishedItem != SendLastItem::onSubscribeAndPresence) {
      continue;
    }
    if (auto event = lastItemEvent(owner, node.node)) {
      out.push_back(LastItem{node.node, std::move(*event)});
    }
  }
  return out;
}

std::optional<xml::Element> PubsubService::lastItemEvent(const xmpp::Jid& owner,
                                                         std::string_view node) {
  auto newest = store_.items(owner.node(), owner.domain(), node, 1);
  if (!newest || newest->empty()) return std::nullopt;
  auto item = itemElement(newest->front(), xmpp::ns::pubsubEvent);
  if (!item) return std::nullopt;
  xml::Element event = makeItemsEvent(node);
  event.children().begin()->addChild(std::move(*item));
  return event;
}

}  // namespace keyfed::modules::pep
