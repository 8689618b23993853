#include "presence_sender.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::roster {

void sendPresence(server::Server& server, std::string_view from, std::string_view to,
                  std::string_view type) {
  xml::Element presence("presence", std::string(xmpp::ns::client));
  presence.setAttr("from", from);
  presence.setAttr("to", to);
  if (!type.empty()) presence.setAttr("type", type);
  server.route(std::move(presence));
}

std::size_t sendCurrentPresence(server::Server& server, const Account& account,
                                std::string_view to) {
  std::size_t sent = 0;
  // route() may deliver to this very account (a local contact); copy the
  // list first so that nothing it triggers can invalidate the iteration.
  const auto resources = server.sessions().availableResources(account.bare());
  for (server::ClientSession* s : resources) {
    if (!s->presence.last) continue;
    xml::Element presence = *s->presence.last;
    presence.setAttr("from", s->jid().full());
    presence.setAttr("to", to);
    server.route(std::move(presence));
    ++sent;
  }
  return sent;
}

void sendUnavailable(server::Server& server, const Account& account, std::string_view to) {
  const auto resources = server.sessions().availableResources(account.bare());
  for (server::ClientSession* s : resources) {
    sendPresence(server, s->jid().full(), to, "unavailable");
  }
}

}  // namespace keyfed::modules::roster
