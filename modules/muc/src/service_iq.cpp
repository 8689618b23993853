// Iqs to the service, to rooms and to occupants: service discovery
// (XEP-0045 6), muc#admin and muc#owner, XEP-0410 self-ping, and iqs
// between occupants (relayed under their occupant JIDs).
#include <string>

#include "keyfed/archive/archivable.hpp"
#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "muc_service.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

namespace {

void addIdentity(xml::Element& query, std::string_view name) {
  auto& identity = query.addChild("identity", std::string(xmpp::ns::discoInfo));
  identity.setAttr("category", "conference");
  identity.setAttr("type", "text");
  identity.setAttr("name", name);
}

void addFeature(xml::Element& query, std::string_view feature) {
  query.addChild("feature", std::string(xmpp::ns::discoInfo)).setAttr("var", feature);
}

void addFormField(xml::Element& form, std::string_view var, std::string_view value) {
  auto& field = form.addChild("field", std::string(ns::dataForms));
  field.setAttr("var", var);
  field.addChild("value", std::string(ns::dataForms)).addText(value);
}

bool isQuery(const xml::Element* payload, std::string_view name, std::string_view ns) {
  return payload != nullptr && payload->is(name, ns);
}

}  // namespace

void MucService::handleIq(server::StanzaEvent& e) {
  if (e.to.node().empty()) {
    if (xmpp::isIqRequest(e.stanza)) serviceIq(e);
    return;
  }
  Room* room = findRoom(e.to.bareView());
  if (room == nullptr) {
    if (xmpp::isIqRequest(e.stanza)) e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return;
  }
  if (e.to.hasResource()) {
    occupantIq(e, *room);
  } else if (xmpp::isIqRequest(e.stanza)) {
    roomIq(e, *room);
  }
}

void MucService::serviceIq(server::StanzaEvent& e) {
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  const bool get = xmpp::stanzaType(e.stanza) == "get";
  if (get && isQuery(payload, "query", xmpp::ns::discoInfo) && payload->attr("node").empty()) {
    xml::Element query("query", std::string(xmpp::ns::discoInfo));
    addIdentity(query, "Chatrooms");
    addFeature(query, xmpp::ns::discoInfo);
    addFeature(query, xmpp::ns::discoItems);
    addFeature(query, ns::muc);
    addFeature(query, xmpp::ns::ping);
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
    return;
  }
  if (get && isQuery(payload, "query", xmpp::ns::discoItems) && payload->attr("node").empty()) {
    // Public rooms only (XEP-0045 6.3); a locked room is not open yet.
    xml::Element query("query", std::string(xmpp::ns::discoItems));
    for (const auto& [jid, room] : rooms_) {
      if (!room->config().isPublic || room->locked()) continue;
      auto& item = query.addChild("item", std::string(xmpp::ns::discoItems));
      item.setAttr("jid", jid);
      item.setAttr("name", room->config().name);
    }
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
    return;
  }
  if (get && isQuery(payload, "ping", xmpp::ns::ping)) {
    e.server.route(xmpp::makeIqResult(e.stanza));
    return;
  }
  e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable);
}

void MucService::roomIq(server::StanzaEvent& e, Room& room) {
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  const bool get = xmpp::stanzaType(e.stanza) == "get";
  const bool owner = room.affiliationOf(e.from.bareView()) == Affiliation::owner;
  if (room.locked() && !owner) {
    // A room waiting for its first configuration does not exist for others (7.2.10).
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return;
  }
  if (get && isQuery(payload, "query", xmpp::ns::discoInfo) && payload->attr("node").empty()) {
    roomInfo(e, room);
  } else if (get && isQuery(payload, "query", xmpp::ns::discoItems)) {
    // Occupants are not listed: that would show nicknames to non-occupants.
    e.server.route(
        xmpp::makeIqResult(e.stanza, xml::Element("query", std::string(xmpp::ns::discoItems))));
  } else if (isQuery(payload, "query", ns::admin)) {
    if (get) {
      adminGet(e, room, *payload);
    } else {
      adminSet(e, room, *payload);
    }
  } else if (isQuery(payload, "query", ns::owner)) {
    if (get) {
      ownerGet(e, room);
    } else {
      ownerSet(e, room, *payload);
    }
  } else if (get && isQuery(payload, "ping", xmpp::ns::ping)) {
    e.server.route(xmpp::makeIqResult(e.stanza));
  } else if (isQuery(payload, "query", archive::kMamNs)) {
    archiveIq(e, room, *payload);
  } else {
    e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable);
  }
}

void MucService::roomInfo(server::StanzaEvent& e, const Room& room) {
  const RoomConfig& c = room.config();
  xml::Element query("query", std::string(xmpp::ns::discoInfo));
  addIdentity(query, c.name.empty() ? room.jid().node() : std::string_view(c.name));
  addFeature(query, ns::muc);
  addFeature(query, "http://jabber.org/protocol/muc#self-ping-optimization");  // XEP-0410
  addFeature(query, c.isPublic ? "muc_public" : "muc_hidden");
  addFeature(query, c.persistent ? "muc_persistent" : "muc_temporary");
  addFeature(query, c.membersOnly ? "muc_membersonly" : "muc_open");
  addFeature(query, c.passwordProtected ? "muc_passwordprotected" : "muc_unsecured");
  addFeature(query, c.moderated ? "muc_moderated" : "muc_unmoderated");
  addFeature(query, c.whois == Whois::anyone ? "muc_nonanonymous" : "muc_semianonymous");
  if (c.archiving && archive_ != nullptr) {
    // XEP-0313 section 8: the room's archive, and the stanza-ids it stamps.
    addFeature(query, archive::kMamNs);
    addFeature(query, archive::kStanzaIdNs);
  }
  // XEP-0045 15.5.4: the extended information form.
  auto& form = query.addChild("x", std::string(ns::dataForms));
  form.setAttr("type", "result");
  auto& formType = form.addChild("field", std::string(ns::dataForms));
  formType.setAttr("var", "FORM_TYPE");
  formType.setAttr("type", "hidden");
  formType.addChild("value", std::string(ns::dataForms)).addText(ns::roomInfo);
  addFormField(form, "muc#roominfo_description", c.description);
  addFormField(form, "muc#roominfo_occupants", std::to_string(room.occupants().size()));
  addFormField(form, "muc#roominfo_subject", room.subject);
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
}

void MucService::occupantIq(server::StanzaEvent& e, Room& room) {
  const Occupant* sender = room.findByJid(e.from.full());
  const bool request = xmpp::isIqRequest(e.stanza);
  if (sender == nullptr) {
    // XEP-0410: a client that pings its own occupant JID learns it is no
    // longer joined; any other iq from outside the room is refused the same way.
    if (request) e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable);
    return;
  }
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  if (request && sender->nick == e.to.resource() && isQuery(payload, "ping", xmpp::ns::ping)) {
    // XEP-0410 self-ping: answered by the room itself.
    e.server.route(xmpp::makeIqResult(e.stanza));
    return;
  }
  relay(e, room, *sender);
}

void MucService::relay(server::StanzaEvent& e, Room& room, const Occupant& from) {
  const Occupant* target = room.findByNick(e.to.resource());
  if (target == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound, "no occupant of that nickname");
    return;
  }
  xml::Element copy = e.stanza.clone();
  copy.setAttr("from", room.jid().full() + "/" + from.nick);
  copy.setAttr("to", target->jid.full());
  if (xmpp::stanzaKind(copy) == xmpp::StanzaKind::message) {
    // XEP-0045 7.5: a private message carries <x xmlns='...muc#user'/>.
    if (copy.child("x", ns::user) == nullptr) copy.addChild(userX());
    // Nobody speaks for the room's archive ids (XEP-0359), here neither.
    archive::stripLocalStanzaIds(copy, [this](std::string_view d) { return d == domain_; });
  }
  server_.route(std::move(copy));
}

}  // namespace keyfed::modules::muc
