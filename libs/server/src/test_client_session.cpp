#include "keyfed/server/test_client_session.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::server {

TestClientSession::TestClientSession(Server& server, std::string user, std::string host,
                                     const std::string& resource)
    : server_(server) {
  auto jid = xmpp::Jid::make(user, host, resource);
  setStreamDomain(host);
  setAccount(std::move(user), std::move(host));
  if (jid) setJid(std::move(*jid));
  server_.sessions().add(*this);
  SessionEvent event{server_, *this};
  server_.hooks().sessions.fire("resource-bound", event);
}

TestClientSession::~TestClientSession() {
  SessionEvent event{server_, *this};
  server_.hooks().sessions.fire("resource-unbound", event);
  server_.sessions().remove(*this);
}

void TestClientSession::sendToServer(xml::Element stanza) {
  noteInbound(stanza);
  server_.processFromClient(*this, std::move(stanza));
}

bool TestClientSession::sendNonza(xml::Element nonza) {
  StanzaEvent event{server_, nonza, this, jid(), {}};
  return server_.hooks().stanzas.fire("c2s-nonza/" + nonza.ns(), event);
}

void TestClientSession::goOnline(int priority) {
  xml::Element presence("presence", std::string(xmpp::ns::client));
  if (priority != 0)
    presence.addChild("priority", std::string(xmpp::ns::client)).addText(std::to_string(priority));
  sendToServer(std::move(presence));
}

}  // namespace keyfed::server
