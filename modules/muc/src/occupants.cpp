// Entering, presence updates, nickname changes and leaving (XEP-0045 7.1-7.7).
#include <algorithm>
#include <string>

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "muc_service.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

namespace {

// The presence an occupant sent, minus addressing and the MUC join element:
// what the room rebroadcasts under the occupant's nickname.
xml::Element storedPresence(const xml::Element& sent) {
  xml::Element p("presence", std::string(xmpp::ns::client));
  for (const auto& node : sent.nodes()) {
    const xml::Element* child = node.asElement();
    if (child == nullptr || child->ns() == ns::muc || child->ns() == ns::user) continue;
    p.addChild(child->clone());
  }
  return p;
}

xmpp::Jid occupantJid(const Room& room, std::string_view nick) {
  auto jid = room.jid().withResource(nick);
  if (!jid) return room.jid();  // a nickname is a valid resource: not expected
  return std::move(*jid);
}

}  // namespace

void MucService::handlePresence(server::StanzaEvent& e) {
  const auto type = xmpp::stanzaType(e.stanza);
  if (type == "error") return;      // an occupant's client bounced something: nothing to do
  if (e.to.node().empty()) return;  // presence to the service itself: ignored
  Room* room = findRoom(e.to.bareView());
  if (type == "unavailable") {
    if (room == nullptr) return;
    if (Occupant* o = room->findByJid(e.from.full())) leave(*room, o->nick, e.stanza);
    return;
  }
  if (!type.empty()) return;  // subscriptions and probes to a room: ignored
  if (!e.to.hasResource()) {
    // XEP-0045 7.2.1: entering needs a nickname.
    e.server.bounce(e.stanza, StanzaErrorCondition::jidMalformed, "a nickname is required");
    return;
  }
  if (e.to.resource().size() > config_.maxNickBytes) {
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable,
                    "nicknames are at most " + std::to_string(config_.maxNickBytes) + " bytes");
    return;
  }
  if (room != nullptr) {
    if (Occupant* o = room->findByJid(e.from.full())) {
      if (o->nick != e.to.resource()) {
        changeNick(e, *room, *o);
        return;
      }
      o->presence = storedPresence(e.stanza);  // XEP-0045 7.7: a presence update
      broadcastPresence(*room, *o);
      return;
    }
  }
  const xml::Element* mucJoin = e.stanza.child("x", ns::muc);
  if (mucJoin == nullptr) {
    // Not a join (XEP-0045 7.2.1 requires <x/>): plain directed presence to
    // someone who is not an occupant. Refused rather than joining by accident.
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable, "not an occupant of this room");
    return;
  }
  join(e, *mucJoin);
}

void MucService::join(server::StanzaEvent& e, const xml::Element& mucJoin) {
  Room* room = findRoom(e.to.bareView());
  const bool created = room == nullptr;
  if (created) {
    const auto bare = e.from.bareView();
    // `creators` empty: users of this server's hosts, never remote users.
    const bool mayCreate = config_.creators.empty()
                               ? e.server.isLocalDomain(e.from.domain())
                               : std::find(config_.creators.begin(), config_.creators.end(),
                                           bare) != config_.creators.end();
    if (!mayCreate) {
      e.server.bounce(e.stanza, StanzaErrorCondition::notAllowed,
                      "you may not create rooms on this service");
      return;
    }
    if (rooms_.size() >= config_.maxRooms) {
      e.server.bounce(e.stanza, StanzaErrorCondition::resourceConstraint,
                      "this service holds as many rooms as it may");
      return;
    }
    room = &createRoom(e.to, e.from);
  }
  const std::string password = mucJoin.childText("password", ns::muc);
  if (auto refusal = room->mayJoin(e.from, e.to.resource(), password)) {
    e.server.bounce(e.stanza, *refusal);
    return;
  }
  const std::string nick(e.to.resource());
  Occupant& self = room->addOccupant(nick, e.from, storedPresence(e.stanza));
  noteJoined(e.from);
  // XEP-0045 7.2.3: the others' presence first, then one's own (110), which
  // everyone else receives too.
  for (const auto& other : room->occupants()) {
    if (other.nick == nick) continue;
    auto p = presenceOf(*room, other, self, {});
    p.setAttr("to", e.from.full());
    e.server.route(std::move(p));
  }
  // 100: this room shows real JIDs to everyone; 201: it was just created
  // and waits for its owner's configuration.
  const bool open = room->config().whois == Whois::anyone;
  if (created) {
    broadcastPresence(*room, self, open ? Codes{100, 110, 201} : Codes{110, 201});
  } else {
    broadcastPresence(*room, self, open ? Codes{100, 110} : Codes{110});
  }
  sendHistory(*room, e.from, mucJoin.child("history", ns::muc));
  sendSubject(*room, e.from);
}

void MucService::changeNick(server::StanzaEvent& e, Room& room, Occupant& occupant) {
  const std::string newNick(e.to.resource());
  if (room.findByNick(newNick) != nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::conflict);
    return;
  }
  // XEP-0045 7.6: unavailable from the old nickname with 303 and the new one.
  for (const auto& viewer : room.occupants()) {
    const bool self = &viewer == &occupant;
    auto p = presenceOf(room, occupant, viewer, self ? Codes{303, 110} : Codes{303});
    p.setAttr("type", "unavailable");
    if (auto* x = p.child("x", ns::user)) {
      if (auto* item = x->child("item", ns::user)) item->setAttr("nick", newNick);
    }
    p.setAttr("to", viewer.jid.full());
    e.server.route(std::move(p));
  }
  room.renameOccupant(occupant, newNick);
  occupant.presence = storedPresence(e.stanza);
  broadcastPresence(room, occupant);
}

void MucService::leave(Room& room, const std::string& nick, const xml::Element& unavailable) {
  Occupant* leaving = room.findByNick(nick);
  if (leaving == nullptr) return;
  // The status text of the unavailable presence goes to everyone (7.14).
  leaving->presence = storedPresence(unavailable);
  for (const auto& viewer : room.occupants()) {
    const bool self = &viewer == leaving;
    auto p = presenceOf(room, *leaving, viewer, self ? Codes{110} : Codes{});
    p.setAttr("type", "unavailable");
    if (auto* item = p.child("x", ns::user)->child("item", ns::user)) item->setAttr("role", "none");
    p.setAttr("to", viewer.jid.full());
    server_.route(std::move(p));
  }
  noteLeft(leaving->jid);
  room.removeOccupant(nick);
  forgetIfUnused(room);
}

void MucService::expel(Room& room, const std::string& nick, int code, std::string_view actor,
                       std::string_view reason) {
  Occupant* leaving = room.findByNick(nick);
  if (leaving == nullptr) return;
  leaving->role = Role::none;
  for (const auto& viewer : room.occupants()) {
    const bool self = &viewer == leaving;
    if (self && code == kStatusRemovedOnError) continue;
    xml::Element p("presence", std::string(xmpp::ns::client));
    p.setAttr("from", occupantJid(room, nick).full());
    p.setAttr("to", viewer.jid.full());
    p.setAttr("type", "unavailable");
    auto x = self ? userX({code, 110}) : userX({code});
    xml::Element item("item", std::string(ns::user));
    item.setAttr("affiliation", toString(room.affiliationOf(*leaving)));
    item.setAttr("role", "none");
    if (room.showsRealJids(viewer)) item.setAttr("jid", leaving->jid.full());
    if (!actor.empty()) item.addChild("actor", std::string(ns::user)).setAttr("nick", actor);
    if (!reason.empty()) item.addChild("reason", std::string(ns::user)).addText(reason);
    // The item comes before the status codes, as in the XEP's examples.
    x.nodes().insert(x.nodes().begin(), std::move(item));
    p.addChild(std::move(x));
    server_.route(std::move(p));
  }
  log_.info("{} left {} against its will (status {})", leaving->jid.full(), room.jid().bareView(),
            code);
  noteLeft(leaving->jid);
  room.removeOccupant(nick);
  forgetIfUnused(room);
}

void MucService::broadcastPresence(Room& room, const Occupant& occupant, Codes selfCodes) {
  for (const auto& viewer : room.occupants()) {
    const bool self = &viewer == &occupant;
    auto p = presenceOf(room, occupant, viewer,
                        self ? (selfCodes.size() == 0 ? Codes{110} : selfCodes) : Codes{});
    p.setAttr("to", viewer.jid.full());
    server_.route(std::move(p));
  }
}

xml::Element MucService::presenceOf(const Room& room, const Occupant& occupant,
                                    const Occupant& viewer, Codes codes) const {
  xml::Element p = occupant.presence.clone();
  p.setAttr("from", occupantJid(room, occupant.nick).full());
  xml::Element x("x", std::string(ns::user));
  auto& item = x.addChild("item", std::string(ns::user));
  item.setAttr("affiliation", toString(room.affiliationOf(occupant)));
  item.setAttr("role", toString(occupant.role));
  // One's own real JID is no secret to oneself.
  if (&viewer == &occupant || room.showsRealJids(viewer)) item.setAttr("jid", occupant.jid.full());
  for (int code : codes) {
    x.addChild("status", std::string(ns::user)).setAttr("code", std::to_string(code));
  }
  p.addChild(std::move(x));
  return p;
}

}  // namespace keyfed::modules::muc
