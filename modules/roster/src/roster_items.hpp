#pragma once
// Roster items as clients see them (RFC 6121 2.1.2), roster pushes (2.1.6)
// and the one way both modules store a changed item: every stored change of a
// listed item is pushed to the user's interested resources with its version
// (XEP-0237), unlisted items are never shown, and an unlisted item that no
// longer holds any subscription state is deleted.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/storage/types.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::roster {

// The account a roster belongs to: prepared localpart and domain.
struct Account {
  std::string user;
  std::string host;
  [[nodiscard]] std::string bare() const { return user + "@" + host; }
};

// <item jid name subscription [ask] [approved]><group/>...</item>
xml::Element itemElement(const storage::RosterItem& item);
// <item jid subscription='remove'/>
xml::Element removedItemElement(std::string_view jid);

// A roster push of one <item/> carrying `version`, to one resource.
void pushTo(server::ClientSession& session, const xml::Element& item, std::uint64_t version);
// The same push to every interested resource of the account (RFC 6121 2.1.6).
void pushToInterested(server::Server& server, const Account& account, const xml::Element& item,
                      std::uint64_t version);

// Loads the item of `jid`; nullopt when the roster holds none. Fails with the
// storage error (storage.not-found when the account does not exist).
base::Result<std::optional<storage::RosterItem>> loadItem(server::Server& server,
                                                          const Account& account,
                                                          std::string_view jid);

// Stores `item` after a subscription change and pushes it when it is listed.
// `existed`: the roster held the item before, so an unlisted item without
// state must be deleted rather than not created.
base::Result<void> saveItem(server::Server& server, const Account& account,
                            const storage::RosterItem& item, bool existed);

}  // namespace keyfed::modules::roster
