// XEP-0313 queries to a room (docs/muc.md, "Room archive"): who may read the
// archive follows the room's rules, `with` names an occupant (room@service/nick)
// or, for those who may see real JIDs, a real bare JID; the results come from
// the room, the real JID in them only for those allowed to see it.
#include <algorithm>
#include <string>

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/archive/query_request.hpp"
#include "keyfed/archive/result_messages.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "muc_ns.hpp"
#include "muc_service.hpp"
#include "room_archive.hpp"

namespace keyfed::modules::muc {

using xmpp::StanzaErrorCondition;

namespace {

// XEP-0059 page sizes, as the user archive's defaults (docs/mam.md).
constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxPageSize = 250;

const Occupant* occupantOf(const Room& room, const xmpp::Jid& who) {
  for (const auto& o : room.occupants()) {
    if (o.jid == who) return &o;
  }
  return nullptr;
}

// The sender's real JID as XEP-0313 section 5.1.2 shows it to those who may see it.
void addRealJid(xml::Element& result, const std::string& senderBare) {
  xml::Element* forwarded = result.child("result", archive::kMamNs);
  if (forwarded != nullptr) forwarded = forwarded->child("forwarded", archive::kForwardNs);
  if (forwarded == nullptr) return;
  xml::Element* message = forwarded->child("message", xmpp::ns::client);
  if (message == nullptr) return;
  message->addChild("x", std::string(ns::user))
      .addChild("item", std::string(ns::user))
      .setAttr("jid", senderBare);
}

}  // namespace

Refusal MucService::mayReadArchive(const Room& room, const xmpp::Jid& who) const {
  if (!room.config().archiving || archive_ == nullptr) {
    return StanzaErrorCondition::serviceUnavailable;
  }
  const Affiliation affiliation = room.affiliationOf(who.bareView());
  if (affiliation == Affiliation::outcast) return StanzaErrorCondition::forbidden;
  if (room.config().membersOnly && affiliation < Affiliation::member) {
    return StanzaErrorCondition::forbidden;
  }
  // A password keeps the conversation to those who know it: its occupants
  // (and the members, who had it or were let in).
  if (room.config().passwordProtected && affiliation < Affiliation::member &&
      occupantOf(room, who) == nullptr) {
    return StanzaErrorCondition::forbidden;
  }
  return std::nullopt;
}

bool MucService::seesRealJids(const Room& room, const xmpp::Jid& who) const {
  if (room.config().whois == Whois::anyone) return true;
  if (room.affiliationOf(who.bareView()) >= Affiliation::admin) return true;
  const Occupant* occupant = occupantOf(room, who);
  return occupant != nullptr && occupant->role == Role::moderator;
}

void MucService::archiveIq(server::StanzaEvent& e, Room& room, const xml::Element& query) {
  if (auto refusal = mayReadArchive(room, e.from)) {
    e.server.bounce(e.stanza, *refusal,
                    *refusal == StanzaErrorCondition::serviceUnavailable
                        ? "this room does not archive its messages"
                        : "you may not read the archive of this room");
    return;
  }
  if (xmpp::stanzaType(e.stanza) == "get") {
    e.server.route(xmpp::makeIqResult(e.stanza, archive::queryFormFields()));
    return;
  }
  auto request = archive::parseQuery(query);
  if (!request) {
    e.server.bounce(e.stanza, archive::queryErrorCondition(request.error().code),
                    request.error().message);
    return;
  }
  const bool realJids = seesRealJids(room, e.from);
  auto q = archive::toArchiveQuery(*request, kDefaultPageSize, kMaxPageSize);
  q.user = room.jid().node();
  q.host = room.jid().domain();
  if (request->with) {
    const xmpp::Jid& with = *request->with;
    if (with.bareView() == room.jid().bareView()) {
      q.withResource = with.resource();  // an occupant's nickname ('' = everyone)
    } else if (!realJids) {
      e.server.bounce(e.stanza, StanzaErrorCondition::forbidden,
                      "real JIDs are not shown to you in this room");
      return;
    } else {
      q.withBare = with.bareView();
    }
  }
  archive_->flush();  // every message accepted before the query is in the answer
  auto& store = archive_->store();
  const std::string roomJid(room.jid().bareView());
  if (!archive::namesKnownIds(*request, [&](const archive::ArchiveId& id) {
        auto known = store.contains(roomJid, id.seq, id.tag);
        return known && *known;
      })) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound,
                    "the archive holds no message with that id");
    return;
  }

  auto page = store.query(q);
  if (!page) {
    log_.warn("archive query of {} failed: {}", roomJid, page.error().describe());
    e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
    return;
  }
  std::optional<archive::PageRange> range;
  const std::size_t maxBytes = server_.storage().limits().archiveStanzaBytes;
  for (auto& item : page->items) {
    const std::string id = archive::formatArchiveId(archive::ArchiveId{item.seq, item.tag});
    if (!range) range = archive::PageRange{id, id};
    range->last = id;
    auto original = archive::parseStoredMessage(item.stanza, maxBytes);
    if (!original) {
      log_.warn("skipping a damaged archived message of {}: {}", roomJid,
                original.error().describe());
      continue;
    }
    auto result = archive::makeResultMessage(std::move(*original), roomJid, e.from.full(),
                                             request->queryId, id, item.stamp);
    // The sender's real JID is stored beside the message, never in it.
    if (realJids && !item.withBare.empty()) addRealJid(result, item.withBare);
    server_.route(std::move(result));
  }
  e.server.route(
      xmpp::makeIqResult(e.stanza, archive::makeFin(page->complete, page->count, range)));
}

}  // namespace keyfed::modules::muc
