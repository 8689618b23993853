#pragma once
// The publish-subscribe core of PEP (XEP-0060 as XEP-0163 uses it): one
// service per account, nodes owned by the account, items with ids, explicit
// subscriptions. It reads and writes the PepStore and answers requests; it
// does no routing. What a request changed is returned as a Notification for
// the module to deliver.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "data_form.hpp"
#include "keyfed/modules/pep_config.hpp"
#include "keyfed/storage/stores.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "node_config.hpp"

namespace keyfed::modules::pep {

// The requester as the account sees it: itself, a contact with a presence
// subscription to it ('from' or 'both'), anyone else.
enum class Relation { owner, subscriber, stranger };

// Who asks: its JID as the server stamped it (full, or bare), its relation,
// and the roster groups the account filed it under (the roster access model).
struct Requester {
  std::string jid;
  Relation relation = Relation::stranger;
  std::vector<std::string> groups;
};

// Whether the node's access model lets the requester read it and subscribe.
bool mayRetrieve(const NodeConfig& config, Relation relation,
                 const std::vector<std::string>& groups);
inline bool mayRetrieve(const NodeConfig& config, const Requester& requester) {
  return mayRetrieve(config, requester.relation, requester.groups);
}

// "user@host/res" -> "user@host".
inline std::string_view bareOf(std::string_view jid) {
  return jid.substr(0, jid.find('/'));
}

struct Notification {
  std::string node;
  NodeConfig config;
  xml::Element event;  // <event xmlns='http://jabber.org/protocol/pubsub#event'/>
  // A deleted node's explicit subscriptions, read before it went; otherwise
  // (nullopt) delivery reads the node's current ones.
  std::optional<std::vector<storage::PepSubscription>> formerSubscriptions = std::nullopt;
};

// An event for one recipient.
struct AddressedEvent {
  std::string to;
  xml::Element event;
};

struct Outcome {
  xml::Element reply;  // the iq result or error for the requester
  std::optional<Notification> notification;
  // A new subscriber's copy of the node's last item (XEP-0060 6.1.7), sent
  // after the reply.
  std::optional<AddressedEvent> lastItem = std::nullopt;
};

// The last item of a node, for delivery when a contact comes online.
struct LastItem {
  std::string node;
  xml::Element event;
};

// What other modules may say about an owner's publish (the module wires these
// to the "pep-check-publish" and "pep-node-defaults" events).
struct PublishHooks {
  struct Refusal {
    xmpp::StanzaErrorCondition condition;
    std::string text;
  };
  // Before an item is stored: a refusal, or nullopt to store it.
  std::function<std::optional<Refusal>(const xmpp::Jid& owner, std::string_view node,
                                       const xml::Element& payload)>
      check;
  // A node is being auto-created: appends the fields it starts with.
  std::function<void(const xmpp::Jid& owner, std::string_view node, std::vector<FormField>& fields)>
      nodeDefaults;
};

class PubsubService {
 public:
  PubsubService(storage::PepStore& store, const PepConfig& limits);

  // An iq request with a <pubsub/> payload (pubsub or pubsub#owner namespace)
  // for the account `owner` (bare JID) from `requester`.
  Outcome handle(const xml::Element& iq, const xmpp::Jid& owner, const Requester& requester);

  // The newest item of each node `wants` names that `requester` may read and
  // that sends its last item on presence.
  template <class Wants>
  std::vector<LastItem> lastItems(const xmpp::Jid& owner, const Requester& requester, Wants wants);

  void setLimits(const PepConfig& limits) { limits_ = limits; }
  void setPublishHooks(PublishHooks hooks) { hooks_ = std::move(hooks); }

 private:
  Outcome publish(const xml::Element& iq, const xml::Element& pubsub, const xmpp::Jid& owner);
  Outcome items(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner,
                const Requester& requester);
  // pubsub_subscriptions.cpp: XEP-0060 6.1, 6.2, 5.6, 5.7, 8.8.1, 8.9.1.
  Outcome subscribe(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner,
                    const Requester& requester);
  Outcome unsubscribe(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner,
                      const Requester& requester);
  Outcome subscriptionsOf(const xml::Element& iq, const xml::Element& request,
                          const xmpp::Jid& owner, const Requester& requester);
  Outcome affiliationsOf(const xml::Element& iq, const xml::Element& request,
                         const xmpp::Jid& owner, const Requester& requester);
  Outcome nodeSubscriptions(const xml::Element& iq, const xml::Element& request,
                            const xmpp::Jid& owner);
  Outcome nodeAffiliations(const xml::Element& iq, const xml::Element& request,
                           const xmpp::Jid& owner);
  Outcome retract(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner);
  Outcome create(const xml::Element& iq, const xml::Element& pubsub, const xmpp::Jid& owner);
  Outcome configure(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner);
  Outcome deleteNode(const xml::Element& iq, const xml::Element& request, const xmpp::Jid& owner);

  // The node `request` names and its configuration, when it exists; else
  // nullopt, with the refusal to send in `refusal` (no node name: bad-request,
  // no such node: item-not-found).
  struct NamedNode {
    std::string name;
    NodeConfig config;
  };
  std::optional<NamedNode> existingNode(const xml::Element& iq, const xml::Element& request,
                                        const xmpp::Jid& owner, xml::Element& refusal);
  // The node's configuration: nullopt when it does not exist; an error when
  // the account does not exist or storage failed.
  base::Result<std::optional<NodeConfig>> loadNode(const xmpp::Jid& owner, std::string_view node);
  // A refusal for a storage failure (item-not-found for a missing account,
  // so that requests cannot probe for accounts).
  xml::Element storageRefusal(const xml::Element& iq, const base::Error& error);
  std::optional<xml::Element> itemElement(const storage::PepItem& item, std::string_view ns);
  std::string newItemId();
  std::vector<LastItem> lastItemsOf(const xmpp::Jid& owner, const Requester& requester,
                                    const std::vector<storage::PepNode>& nodes);
  // The node's newest item as an items event, when it has one.
  std::optional<xml::Element> lastItemEvent(const xmpp::Jid& owner, std::string_view node);

  storage::PepStore& store_;
  PepConfig limits_;
  PublishHooks hooks_;
  std::mt19937_64 ids_;
};

// <event><items node='N'>ITEMS</items></event>, ITEMS given by the caller.
xml::Element makeItemsEvent(std::string_view node);

// The refusal for a requester the node's access model keeps out (XEP-0060
// 6.1.3 and 6.5.9).
xml::Element accessRefusal(const xml::Element& iq, AccessModel model);

template <class Wants>
std::vector<LastItem> PubsubService::lastItems(const xmpp::Jid& owner, const Requester& requester,
                                               Wants wants) {
  auto nodes = store_.nodes(owner.node(), owner.domain());
  if (!nodes) return {};
  std::erase_if(*nodes, [&](const storage::PepNode& n) { return !wants(n.node); });
  return lastItemsOf(owner, requester, *nodes);
}

}  // namespace keyfed::modules::pep
