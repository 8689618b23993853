#pragma once
// Presence the server sends on the user's behalf: answers to probes, the
// current presence for a new subscriber, unavailable for a lost one, and the
// subscription stanzas of roster removal. Everything goes through
// Server::route(), so a contact on another domain is reached the same way as
// a local one.

#include <cstddef>
#include <string_view>

#include "keyfed/server/server.hpp"
#include "roster_items.hpp"

namespace keyfed::modules::roster {

// Routes <presence from to [type]/> (type empty: available).
void sendPresence(server::Server& server, std::string_view from, std::string_view to,
                  std::string_view type);

// The last presence of each available resource of the account, from that
// resource's full JID to `to`. Returns how many were sent.
std::size_t sendCurrentPresence(server::Server& server, const Account& account,
                                std::string_view to);

// Unavailable presence from each available resource of the account to `to`.
void sendUnavailable(server::Server& server, const Account& account, std::string_view to);

}  // namespace keyfed::modules::roster
