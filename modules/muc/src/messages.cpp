// Groupchat messages, the subject, private messages and mediated
// invitations (XEP-0045 7.4, 7.5, 7.8.2, 8.1), and what a joining occupant
// is sent after the presences: history and subject (7.2.15, 7.2.16).
#include <string>

#include "keyfed/archive/archivable.hpp"
#include "keyfed/xmpp/datetime.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "muc_service.hpp"
#include "room_archive.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

void MucService::handleMessage(server::StanzaEvent& e) {
  const auto type = xmpp::stanzaType(e.stanza);
  if (type == "error") return;  // never answered (RFC 6120 8.3.1)
  Room* room = e.to.node().empty() ? nullptr : findRoom(e.to.bareView());
  if (room == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return;
  }
  if (e.to.hasResource()) {
    privateMessage(e, *room);
    return;
  }
  if (type == "groupchat") {
    groupchat(e, *room);
    return;
  }
  if (const auto* x = e.stanza.child("x", ns::user)) {
    if (const auto* invitation = x->child("invite", ns::user)) {
      invite(e, *room, *invitation);
      return;
    }
  }
  e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                  "messages to a room are groupchat messages or invitations");
}

void MucService::groupchat(server::StanzaEvent& e, Room& room) {
  Occupant* sender = room.findByJid(e.from.full());
  if (sender == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable, "not an occupant of this room");
    return;
  }
  const xml::Element* subject = e.stanza.child("subject", xmpp::ns::client);
  const bool hasBody = e.stanza.child("body", xmpp::ns::client) != nullptr;
  if (subject != nullptr && !hasBody) {
    changeSubject(e, room, *sender, *subject);
    return;
  }
  if (auto refusal = room.maySpeak(*sender)) {
    e.server.bounce(e.stanza, *refusal, "you have no voice in this room");
    return;
  }
  xml::Element message = e.stanza.clone();
  message.setAttr("from", room.jid().full() + "/" + sender->nick);
  message.removeAttr("to");
  // XEP-0359: only the room says under which id it archived a message.
  archive::stripLocalStanzaIds(message, [this](std::string_view d) { return d == domain_; });
  if (hasBody && room.config().archiving && archive_ != nullptr &&
      !archive::hasNoStoreHint(message)) {
    if (auto id = archive_->add(room.jid(), sender->jid.bareView(), sender->nick, message)) {
      archive::addStanzaId(message, room.jid().bareView(), *id);
    }
  }
  for (const auto& occupant : room.occupants()) {
    xml::Element copy = message.clone();
    copy.setAttr("to", occupant.jid.full());
    server_.route(std::move(copy));
  }
  // Only what people wrote goes into the history, not chat states alone.
  if (hasBody) room.history().add(std::move(message), server_.clock().now());
}

void MucService::changeSubject(server::StanzaEvent& e, Room& room, Occupant& occupant,
                               const xml::Element& subject) {
  if (auto refusal = room.mayChangeSubject(occupant)) {
    e.server.bounce(e.stanza, *refusal, "you may not change the subject of this room");
    return;
  }
  room.subject = subject.text();
  room.subjectNick = occupant.nick;
  for (const auto& o : room.occupants()) sendSubject(room, o.jid);
}

void MucService::sendSubject(const Room& room, const xmpp::Jid& to) {
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("from", room.subjectNick.empty() ? room.jid().full()
                                                   : room.jid().full() + "/" + room.subjectNick);
  message.setAttr("to", to.full());
  message.setAttr("type", "groupchat");
  // An empty <subject/> too: it tells the client that joining is complete.
  message.addChild("subject", std::string(xmpp::ns::client)).addText(room.subject);
  server_.route(std::move(message));
}

void MucService::sendHistory(const Room& room, const xmpp::Jid& to, const xml::Element* request) {
  const auto now = server_.clock().now();
  for (const History::Entry* entry : room.history().select(HistoryRequest::from(request), now)) {
    xml::Element copy = entry->message.clone();
    copy.setAttr("to", to.full());
    auto& delay = copy.addChild("delay", std::string(xmpp::ns::delay));
    delay.setAttr("from", room.jid().full());
    delay.setAttr("stamp", xmpp::utcStamp(entry->at));
    server_.route(std::move(copy));
  }
}

void MucService::privateMessage(server::StanzaEvent& e, Room& room) {
  if (xmpp::stanzaType(e.stanza) == "groupchat") {
    e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                    "groupchat messages go to the room, not to an occupant");
    return;
  }
  const Occupant* sender = room.findByJid(e.from.full());
  if (sender == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable, "not an occupant of this room");
    return;
  }
  relay(e, room, *sender);
}

void MucService::invite(server::StanzaEvent& e, Room& room, const xml::Element& invitation) {
  const Occupant* sender = room.findByJid(e.from.full());
  if (sender == nullptr) {
    e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable, "not an occupant of this room");
    return;
  }
  auto invitee = xmpp::Jid::parse(invitation.attr("to"));
  if (!invitee) {
    e.server.bounce(e.stanza, StanzaErrorCondition::jidMalformed, "the invitee is not a JID");
    return;
  }
  if (room.config().membersOnly) {
    // XEP-0045 7.8.2: in a members-only room only admins invite, and an
    // invitation from them makes the invitee a member.
    const Affiliation inviter = room.affiliationOf(*sender);
    if (inviter < Affiliation::admin) {
      e.server.bounce(e.stanza, StanzaErrorCondition::forbidden,
                      "only admins invite to a members-only room");
      return;
    }
    const std::string bare(invitee->bareView());
    if (room.affiliationOf(bare) < Affiliation::member) {
      room.setAffiliation(bare, Affiliation::member);
      persist(room);
    }
  }
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("from", room.jid().full());
  message.setAttr("to", invitee->full());
  auto& x = message.addChild("x", std::string(ns::user));
  auto& forwarded = x.addChild("invite", std::string(ns::user));
  forwarded.setAttr("from", e.from.bareView());
  const std::string reason = invitation.childText("reason", ns::user);
  if (!reason.empty()) forwarded.addChild("reason", std::string(ns::user)).addText(reason);
  if (room.config().passwordProtected) {
    x.addChild("password", std::string(ns::user)).addText(room.config().password);
  }
  server_.route(std::move(message));
}

}  // namespace keyfed::modules::muc
