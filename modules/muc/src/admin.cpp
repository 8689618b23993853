// Moderation and administration (XEP-0045 8, 9, 10): muc#admin items for
// roles and affiliations, the owner's configuration form, destroying a room.
#include <string>
#include <vector>

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "muc_service.hpp"
#include "room_archive.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

namespace {

// Items one muc#admin request may carry: a list longer than this is refused,
// not truncated.
constexpr std::size_t kMaxItems = 256;

struct Change {
  const xml::Element* item;
  std::string nick;     // role changes
  std::string bareJid;  // affiliation changes
  std::optional<Role> role;
  std::optional<Affiliation> affiliation;
};

}  // namespace

void MucService::adminGet(server::StanzaEvent& e, Room& room, const xml::Element& query) {
  const xml::Element* asked = query.child("item", ns::admin);
  if (asked == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::badRequest, "which list?");
    return;
  }
  xml::Element result("query", std::string(ns::admin));
  if (auto affiliation = parseAffiliation(asked->attr("affiliation"));
      affiliation && *affiliation != Affiliation::none) {
    if (auto refusal =
            Room::mayListAffiliation(room.affiliationOf(e.from.bareView()), *affiliation)) {
      e.server.bounce(e.stanza, *refusal);
      return;
    }
    for (const auto& jid : room.withAffiliation(*affiliation)) {
      auto& item = result.addChild("item", std::string(ns::admin));
      item.setAttr("affiliation", toString(*affiliation));
      item.setAttr("jid", jid);
    }
  } else if (auto role = parseRole(asked->attr("role")); role && *role != Role::none) {
    // Role lists (moderators, participants, visitors) are for moderators (8.5, 9.8).
    const Occupant* asker = room.findByJid(e.from.full());
    if (asker == nullptr || asker->role != Role::moderator) {
      e.server.bounce(e.stanza, StanzaErrorCondition::forbidden);
      return;
    }
    for (const auto& o : room.occupants()) {
      if (o.role != *role) continue;
      auto& item = result.addChild("item", std::string(ns::admin));
      item.setAttr("nick", o.nick);
      item.setAttr("role", toString(o.role));
      item.setAttr("affiliation", toString(room.affiliationOf(o)));
      if (room.showsRealJids(*asker)) item.setAttr("jid", o.jid.full());
    }
  } else {
    e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                    "the item names neither a known affiliation nor a known role");
    return;
  }
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(result)));
}

void MucService::adminSet(server::StanzaEvent& e, Room& room, const xml::Element& query) {
  const Occupant* actor = room.findByJid(e.from.full());
  const Affiliation actorAffiliation = room.affiliationOf(e.from.bareView());
  // All items are checked before any is applied: the request is all or nothing.
  std::vector<Change> changes;
  for (const auto& item : query.children("item", ns::admin)) {
    if (changes.size() == kMaxItems) {
      e.server.bounce(e.stanza, StanzaErrorCondition::policyViolation, "too many items");
      return;
    }
    Change c{&item,
             std::string(item.attr("nick")),
             {},
             parseRole(item.attr("role")),
             parseAffiliation(item.attr("affiliation"))};
    if (c.role.has_value() == c.affiliation.has_value()) {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                      "each item changes either a known role or a known affiliation");
      return;
    }
    if (c.role) {
      Occupant* target = room.findByNick(c.nick);
      if (target == nullptr) {
        e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound,
                        "no occupant of that nickname");
        return;
      }
      if (actor == nullptr) {
        e.server.bounce(e.stanza, StanzaErrorCondition::forbidden,
                        "roles are changed by occupants");
        return;
      }
      if (auto refusal = room.maySetRole(*actor, *target, *c.role)) {
        e.server.bounce(e.stanza, *refusal);
        return;
      }
    } else {
      if (!item.attr("jid").empty()) {
        auto jid = xmpp::Jid::parse(item.attr("jid"));
        if (!jid) {
          e.server.bounce(e.stanza, StanzaErrorCondition::jidMalformed);
          return;
        }
        c.bareJid = std::string(jid->bareView());
      } else if (const Occupant* target = room.findByNick(c.nick)) {
        c.bareJid = std::string(target->jid.bareView());
      } else {
        e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound,
                        "no occupant of that nickname");
        return;
      }
      if (auto refusal = room.maySetAffiliation(actorAffiliation, c.bareJid, *c.affiliation)) {
        e.server.bounce(e.stanza, *refusal);
        return;
      }
      if (*c.affiliation != Affiliation::none &&
          room.affiliationOf(c.bareJid) == Affiliation::none &&
          room.affiliations().size() >= server_.storage().limits().mucAffiliationsPerRoom) {
        e.server.bounce(e.stanza, StanzaErrorCondition::resourceConstraint,
                        "the room's affiliation lists are full");
        return;
      }
    }
    changes.push_back(std::move(c));
  }
  const std::string actorNick = actor != nullptr ? actor->nick : std::string();
  bool affiliationsChanged = false;
  // Answered first, so the requester learns of success before the presences (XEP order).
  e.server.route(xmpp::makeIqResult(e.stanza));
  for (const auto& c : changes) {
    const std::string reason = c.item->childText("reason", ns::admin);
    if (c.role) {
      Occupant* target = room.findByNick(c.nick);
      if (target == nullptr) continue;  // expelled by an earlier item
      if (*c.role == Role::none) {
        expel(room, c.nick, 307, actorNick, reason);
        if (findRoom(e.to.bareView()) == nullptr) return;  // that was the last occupant
        continue;
      }
      target->role = *c.role;
      broadcastPresence(room, *target);
      continue;
    }
    room.setAffiliation(c.bareJid, *c.affiliation);
    affiliationsChanged = true;
    applyAffiliation(room, c.bareJid, actorNick, reason);
    if (findRoom(e.to.bareView()) == nullptr) return;
  }
  if (affiliationsChanged) persist(room);
}

void MucService::applyAffiliation(Room& room, std::string_view bareJid, std::string_view actor,
                                  std::string_view reason) {
  const Affiliation affiliation = room.affiliationOf(bareJid);
  std::vector<std::string> nicks;
  for (const auto& o : room.occupants()) {
    if (o.jid.bareView() == bareJid) nicks.push_back(o.nick);
  }
  for (const auto& nick : nicks) {
    if (affiliation == Affiliation::outcast) {
      expel(room, nick, 301, actor, reason);
    } else if (room.config().membersOnly && affiliation < Affiliation::member) {
      expel(room, nick, 321, actor, reason);
    } else if (Occupant* o = room.findByNick(nick)) {
      o->role = room.defaultRole(affiliation);
      broadcastPresence(room, *o);
    }
  }
}

void MucService::ownerGet(server::StanzaEvent& e, Room& room) {
  if (room.affiliationOf(e.from.bareView()) != Affiliation::owner) {
    e.server.bounce(e.stanza, StanzaErrorCondition::forbidden, "only owners configure the room");
    return;
  }
  xml::Element query("query", std::string(ns::owner));
  query.addChild(configForm(room.config(), bounds()));
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
}

void MucService::ownerSet(server::StanzaEvent& e, Room& room, const xml::Element& query) {
  if (room.affiliationOf(e.from.bareView()) != Affiliation::owner) {
    e.server.bounce(e.stanza, StanzaErrorCondition::forbidden, "only owners configure the room");
    return;
  }
  if (const xml::Element* request = query.child("destroy", ns::owner)) {
    e.server.route(xmpp::makeIqResult(e.stanza));
    destroy(room, request);
    return;
  }
  const xml::Element* form = query.child("x", ns::dataForms);
  if (form == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                    "a data form or <destroy/> is needed");
    return;
  }
  if (form->attr("type") == "cancel") {
    e.server.route(xmpp::makeIqResult(e.stanza));
    // XEP-0045 10.1.3: cancelling the first configuration destroys the new room.
    if (room.locked()) destroy(room, nullptr);
    return;
  }
  // An empty submitted form accepts the defaults: the instant room of 10.1.2.
  auto next = applyConfigForm(*form, room.config(), bounds());
  if (!next) {
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable, next.error().message);
    return;
  }
  const bool wasPersistent = room.config().persistent && !room.locked();
  const bool becameMembersOnly = next->membersOnly && !room.config().membersOnly;
  room.setConfig(std::move(*next));
  room.unlock();
  e.server.route(xmpp::makeIqResult(e.stanza));
  if (room.config().persistent) {
    persist(room);
  } else if (wasPersistent) {
    if (auto r = server_.storage().mucRooms().removeRoom(room.jid().bareView()); !r) {
      log_.error("removing room {}: {}", room.jid().bareView(), r.error().describe());
    }
  }
  if (becameMembersOnly) {
    // XEP-0045 status 322: occupants who are not members leave a room
    // that has just become members-only.
    std::vector<std::string> outsiders;
    for (const auto& o : room.occupants()) {
      if (room.affiliationOf(o) < Affiliation::member) outsiders.push_back(o.nick);
    }
    const std::string jid(room.jid().bareView());
    for (const auto& nick : outsiders) {
      expel(room, nick, 322, {}, {});
      if (findRoom(jid) == nullptr) return;  // nobody was left: a temporary room is gone
    }
  }
  // XEP-0045 10.2.1: occupants learn that the configuration changed (104).
  for (const auto& o : room.occupants()) {
    xml::Element note("message", std::string(xmpp::ns::client));
    note.setAttr("from", room.jid().full());
    note.setAttr("to", o.jid.full());
    note.setAttr("type", "groupchat");
    note.addChild(userX({104}));
    server_.route(std::move(note));
  }
  forgetIfUnused(room);
}

void MucService::destroy(Room& room, const xml::Element* request) {
  for (const auto& o : room.occupants()) {
    xml::Element p("presence", std::string(xmpp::ns::client));
    std::string from = room.jid().full();
    from.append("/").append(o.nick);
    p.setAttr("from", from);
    p.setAttr("to", o.jid.full());
    p.setAttr("type", "unavailable");
    auto& x = p.addChild("x", std::string(ns::user));
    auto& item = x.addChild("item", std::string(ns::user));
    item.setAttr("affiliation", "none");
    item.setAttr("role", "none");
    auto& destroyed = x.addChild("destroy", std::string(ns::user));
    if (request != nullptr) {
      if (auto alternative = xmpp::Jid::parse(request->attr("jid"))) {
        destroyed.setAttr("jid", alternative->full());
      }
      const std::string reason = request->childText("reason", ns::owner);
      if (!reason.empty()) destroyed.addChild("reason", std::string(ns::user)).addText(reason);
    }
    server_.route(std::move(p));
    noteLeft(o.jid);
  }
  const std::string jid(room.jid().bareView());
  if (auto r = server_.storage().mucRooms().removeRoom(jid); !r) {
    log_.error("removing room {}: {}", jid, r.error().describe());
  }
  if (archive_ != nullptr) archive_->removeRoom(jid);
  log_.info("room {} destroyed", jid);
  rooms_.erase(jid);
}

}  // namespace keyfed::modules::muc
