// Removing occupants whose address bounces the room's traffic (XEP-0045
// status 333, "kick on error" as Prosody does it). A remote occupant's server
// that went away, or a client that vanished without leaving, shows up as an
// error from the occupant's real JID to the room; without this the occupant
// would stay in the room as a ghost. Over s2s the 'from' domain is
// authenticated, so a server can only remove its own users this way.
#include <array>
#include <optional>
#include <string>

#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_service.hpp"

namespace keyfed::modules::muc {
namespace {

using xmpp::StanzaErrorCondition;

// The message errors that mean "this address takes nothing any more"
// (Prosody's list). Others (forbidden, not-acceptable, policy-violation from
// a content filter...) refuse one message and keep the occupant.
constexpr std::array kGoneConditions{
    StanzaErrorCondition::gone,
    StanzaErrorCondition::internalServerError,
    StanzaErrorCondition::itemNotFound,
    StanzaErrorCondition::jidMalformed,
    StanzaErrorCondition::recipientUnavailable,
    StanzaErrorCondition::redirect,
    StanzaErrorCondition::remoteServerNotFound,
    StanzaErrorCondition::remoteServerTimeout,
    StanzaErrorCondition::serviceUnavailable,
};

// Presence errors always count: presence is how the room knows who is in.
// A message error without a readable condition counts too (Prosody's
// "malformed error").
bool removesOccupant(const xml::Element& stanza, const std::optional<xmpp::StanzaError>& error) {
  if (xmpp::stanzaKind(stanza) == xmpp::StanzaKind::presence || !error) return true;
  for (auto condition : kGoneConditions) {
    if (error->condition == condition) return true;
  }
  return false;
}

}  // namespace

void MucService::handleError(server::StanzaEvent& e) {
  if (e.to.node().empty()) return;
  Room* room = findRoom(e.to.bareView());
  if (room == nullptr) return;
  const Occupant* occupant = room->findByJid(e.from.full());
  if (occupant == nullptr) return;
  const auto error = xmpp::parseStanzaError(e.stanza);
  if (!removesOccupant(e.stanza, error)) return;
  const std::string condition =
      error ? std::string(xmpp::conditionName(error->condition)) : "a malformed error";
  log_.info("{} in {} is removed: its address answered with {}{}{}", occupant->nick,
            room->jid().bareView(), condition, error && !error->text.empty() ? ": " : "",
            error ? error->text : "");
  // Only the condition goes to the others: the text may name the occupant's
  // server, which a semi-anonymous room does not reveal.
  expel(*room, occupant->nick, kStatusRemovedOnError, {}, "Kicked: " + condition);
}

}  // namespace keyfed::modules::muc
