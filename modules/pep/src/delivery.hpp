#pragma once
// Who hears about a PEP node (XEP-0163 section 4.3): the owner's available
// resources and the available resources of contacts with a presence
// subscription to the owner ('from' or 'both'), each only when its entity
// capabilities ask for '<node>+notify', and only when the node's access model
// lets it read the node (whitelist: the owner alone). Besides them, the
// node's explicit subscribers (XEP-0060 6.1) that may still read it; each
// JID hears once.

#include <string>
#include <string_view>
#include <unordered_set>

#include "caps_directory.hpp"
#include "keyfed/server/server.hpp"
#include "presence_book.hpp"
#include "pubsub_service.hpp"

namespace keyfed::modules::pep {

// The requester `jid` as the account `owner` (a bare JID) sees it: from the
// account's roster. A storage failure counts as stranger.
Requester requesterOf(server::Server& server, const xmpp::Jid& owner, std::string_view jid);

class Delivery {
 public:
  Delivery(server::Server& server, PubsubService& service, const CapsDirectory& caps,
           const PresenceBook& book)
      : server_(server), service_(service), caps_(caps), book_(book) {}

  // Sends a notification of `owner`'s node to everyone entitled to it.
  void notify(const xmpp::Jid& owner, const Notification& notification);
  // Sends `jid` the last item of each of `owner`'s nodes it wants and may read.
  void sendLastItems(const xmpp::Jid& owner, std::string_view jid);
  // A local resource became available or changed its capabilities: the last
  // items of its own account and of the local accounts it has a presence
  // subscription to.
  void sendLastItemsToLocal(const server::ClientSession& session);
  // One event from `owner` to one recipient, as a headline message.
  void send(const xmpp::Jid& owner, std::string_view to, const xml::Element& event);

 private:
  // The JIDs notified so far, and the bare JIDs of the full ones among them.
  struct Notified {
    std::unordered_set<std::string> jids;
    std::unordered_set<std::string> bares;
  };
  void sendOnce(const xmpp::Jid& owner, std::string_view to, const xml::Element& event,
                Notified& notified);
  void notifyContacts(const xmpp::Jid& owner, const Notification& notification,
                      const storage::Roster& roster, Notified& notified);
  void notifySubscribers(const xmpp::Jid& owner, const Notification& notification,
                         const std::vector<storage::PepSubscription>& subscriptions,
                         const storage::Roster* roster, Notified& notified);

  server::Server& server_;
  PubsubService& service_;
  const CapsDirectory& caps_;
  const PresenceBook& book_;
};

}  // namespace keyfed::modules::pep
