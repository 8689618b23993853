// RFC 6121 section 2 (roster management) with XEP-0237 versioning
// (docs/im.md): a client reads its roster, adds, updates and removes items;
// every change is pushed to the resources that asked for the roster.
#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/modules/roster.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "presence_sender.hpp"
#include "roster_items.hpp"
#include "subscription_state.hpp"

namespace keyfed::modules {
namespace {

using roster::Account;
using xmpp::StanzaErrorCondition;

// A version we handed out: the decimal form of the counter (storage/types.hpp).
std::optional<std::uint64_t> parseVersion(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A roster set's item, checked against RFC 6121 2.3.3 and the storage limits.
struct ItemUpdate {
  std::string jid;
  std::string name;
  std::vector<std::string> groups;
  bool remove = false;
};

struct Refusal {
  StanzaErrorCondition condition;
  std::string text;
};

class RosterModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "roster"; }

  base::Result<void> load(server::Server& server) override {
    auto& stanzas = server.hooks().stanzas;
    const std::string ns(xmpp::ns::roster);
    stanzas.hook("iq-get/self/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
    stanzas.hook("iq-set/self/" + ns, [this](server::StanzaEvent& e) { return handleSet(e); });
    server.hooks().features.hook("c2s-features", [](server::FeaturesEvent& e) {
      if (e.authenticated) e.features.addChild("ver", std::string(xmpp::ns::rosterVersioning));
      return false;
    });
    return {};
  }

 private:
  static const xml::Element* query(const server::StanzaEvent& e) {
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    return payload != nullptr && payload->is("query", xmpp::ns::roster) ? payload : nullptr;
  }

  static void refuse(server::StanzaEvent& e, StanzaErrorCondition condition,
                     std::string_view text = {}) {
    e.server.bounce(e.stanza, condition, text);
  }

  // RFC 6121 2.1.3 and XEP-0237: the whole roster, or (with a 'ver' we can
  // answer incrementally) an empty result followed by pushes of what changed.
  bool handleGet(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    const xml::Element* q = query(e);
    if (client == nullptr || q == nullptr) return false;
    const Account account{client->user(), client->host()};
    // From now on this resource receives roster pushes (RFC 6121 2.1.6).
    client->presence.interested = true;

    if (const std::string* ver = q->findAttr("ver")) {
      if (auto since = parseVersion(*ver); since && answerIncrementally(e, *client, *since)) {
        return true;
      }
    }
    auto roster = e.server.storage().roster().get(account.user, account.host);
    if (!roster) {
      log_.warn("roster of {} unavailable: {}", account.bare(), roster.error().describe());
      refuse(e, StanzaErrorCondition::internalServerError);
      return true;
    }
    xml::Element result("query", std::string(xmpp::ns::roster));
    result.setAttr("ver", roster->versionString());
    for (const auto& item : roster->items) {
      if (item.listed) result.addChild(roster::itemElement(item));
    }
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(result)));
    return true;
  }

  // False when the full roster must be sent instead: the version is unknown
  // or too old, or what changed since is invisible to the client.
  bool answerIncrementally(server::StanzaEvent& e, server::ClientSession& client,
                           std::uint64_t since) {
    auto delta = e.server.storage().roster().changesSince(client.user(), client.host(), since);
    if (!delta || !delta->has_value()) return false;
    const storage::RosterDelta& changes = **delta;
    if (changes.version == since) {
      e.server.route(xmpp::makeIqResult(e.stanza));  // up to date: nothing to send
      return true;
    }
    std::vector<xml::Element> items;
    for (const auto& jid : changes.removed) items.push_back(roster::removedItemElement(jid));
    for (const auto& item : changes.changed) {
      // Unlisted items are only ever created unlisted (removal deletes), so
      // the client never saw them.
      if (item.listed) items.push_back(roster::itemElement(item));
    }
    if (items.empty()) return false;
    e.server.route(xmpp::makeIqResult(e.stanza));
    // Only the last push carries the new version: a client interrupted
    // halfway keeps its old one and asks again from there.
    for (std::size_t i = 0; i < items.size(); ++i) {
      roster::pushTo(client, items[i], i + 1 == items.size() ? changes.version : since);
    }
    return true;
  }

  bool handleSet(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    const xml::Element* q = query(e);
    if (client == nullptr || q == nullptr) return false;
    const Account account{client->user(), client->host()};
    ItemUpdate update;
    if (auto refusal = parseUpdate(e.server, account, *q, update)) {
      refuse(e, refusal->condition, refusal->text);
      return true;
    }
    auto existing = roster::loadItem(e.server, account, update.jid);
    if (!existing) {
      log_.warn("roster of {} unavailable: {}", account.bare(), existing.error().describe());
      refuse(e, StanzaErrorCondition::internalServerError);
      return true;
    }
    if (update.remove) {
      removeItem(e, account, std::move(*existing));
    } else {
      storeItem(e, account, update, std::move(*existing));
    }
    return true;
  }

  // RFC 6121 2.3.3 error cases, in the order a client most likely hits them.
  static std::optional<Refusal> parseUpdate(server::Server& server, const Account& account,
                                            const xml::Element& q, ItemUpdate& out) {
    const xml::Element* item = nullptr;
    std::size_t count = 0;
    for (const auto& child : q.children("item", xmpp::ns::roster)) {
      item = &child;
      ++count;
    }
    if (count != 1) return Refusal{StanzaErrorCondition::badRequest, "Exactly one item per set"};
    const std::string* jidAttr = item->findAttr("jid");
    if (jidAttr == nullptr || jidAttr->empty()) {
      return Refusal{StanzaErrorCondition::badRequest, "The item has no jid"};
    }
    auto jid = xmpp::Jid::parse(*jidAttr);
    if (!jid) return Refusal{StanzaErrorCondition::jidMalformed, {}};
    if (jid->hasResource()) {
      return Refusal{StanzaErrorCondition::badRequest, "Roster items are bare JIDs"};
    }
    out.jid = jid->full();
    if (out.jid == account.bare()) {
      return Refusal{StanzaErrorCondition::notAllowed, "You cannot add yourself"};
    }
    if (item->attr("subscription") == "remove") {
      out.remove = true;
      return std::nullopt;
    }
    const storage::Limits& limits = server.storage().limits();
    out.name = std::string(item->attr("name"));
    if (out.name.size() > limits.nameBytes) {
      return Refusal{StanzaErrorCondition::notAcceptable, "The name is too long"};
    }
    for (const auto& group : item->children("group", xmpp::ns::roster)) {
      std::string name = group.text();
      if (name.empty()) return Refusal{StanzaErrorCondition::notAcceptable, "Empty group"};
      if (name.size() > limits.nameBytes) {
        return Refusal{StanzaErrorCondition::notAcceptable, "A group name is too long"};
      }
      if (std::find(out.groups.begin(), out.groups.end(), name) != out.groups.end()) {
        return Refusal{StanzaErrorCondition::badRequest, "A group is listed twice"};
      }
      if (out.groups.size() == limits.groupsPerItem) {
        return Refusal{StanzaErrorCondition::notAcceptable, "Too many groups"};
      }
      out.groups.push_back(std::move(name));
    }
    return std::nullopt;
  }

  // Adds or updates name and groups; the subscription state is the server's.
  void storeItem(server::StanzaEvent& e, const Account& account, const ItemUpdate& update,
                 std::optional<storage::RosterItem> existing) {
    storage::RosterItem item;
    if (existing) item = std::move(*existing);
    item.jid = update.jid;
    item.name = update.name;
    item.groups = update.groups;
    item.listed = true;
    auto version = e.server.storage().roster().upsert(account.user, account.host, item);
    if (!version) {
      const auto& error = version.error();
      if (error.code == storage::errc::kQuota) {
        refuse(e, StanzaErrorCondition::policyViolation, "The roster is full");
      } else if (error.code == storage::errc::kInvalid) {
        refuse(e, StanzaErrorCondition::notAcceptable, error.message);
      } else {
        log_.warn("storing {}'s item {} failed: {}", account.bare(), item.jid, error.describe());
        refuse(e, StanzaErrorCondition::internalServerError);
      }
      return;
    }
    std::sort(item.groups.begin(), item.groups.end());  // as stored
    e.server.route(xmpp::makeIqResult(e.stanza));
    roster::pushToInterested(e.server, account, roster::itemElement(item), *version);
  }

  // RFC 6121 2.5.2: the item goes, and with it every subscription in both
  // directions, which the contact learns about.
  void removeItem(server::StanzaEvent& e, const Account& account,
                  std::optional<storage::RosterItem> existing) {
    if (!existing || !existing->listed) {
      refuse(e, StanzaErrorCondition::itemNotFound);
      return;
    }
    const storage::RosterItem& item = *existing;
    auto version = e.server.storage().roster().remove(account.user, account.host, item.jid);
    if (!version) {
      log_.warn("removing {}'s item {} failed: {}", account.bare(), item.jid,
                version.error().describe());
      refuse(e, StanzaErrorCondition::internalServerError);
      return;
    }
    e.server.route(xmpp::makeIqResult(e.stanza));
    roster::pushToInterested(e.server, account, roster::removedItemElement(item.jid), *version);

    const std::string user = account.bare();
    if (roster::hasFrom(item.subscription)) roster::sendUnavailable(e.server, account, item.jid);
    if (roster::hasTo(item.subscription) || item.askOut) {
      roster::sendPresence(e.server, user, item.jid, "unsubscribe");
    }
    if (roster::hasFrom(item.subscription) || item.pendingIn) {
      roster::sendPresence(e.server, user, item.jid, "unsubscribed");
    }
  }

  base::Logger log_{"roster"};
};

}  // namespace

std::unique_ptr<server::Module> makeRosterModule() {
  return std::make_unique<RosterModule>();
}

}  // namespace keyfed::modules
