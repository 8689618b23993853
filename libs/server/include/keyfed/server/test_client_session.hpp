#pragma once
// A client session without a socket, for module tests: it records what the
// server sends it. First-class test double, kept next to what it stands in for.

#include <string>
#include <utility>
#include <vector>

#include "keyfed/server/server.hpp"
#include "keyfed/server/session.hpp"

namespace keyfed::server {

class TestClientSession final : public ClientSession {
 public:
  // Authenticated as user@host and bound to `resource`; registered with the
  // server's session registry until destroyed.
  TestClientSession(Server& server, std::string user, std::string host,
                    const std::string& resource);
  ~TestClientSession() override;
  TestClientSession(const TestClientSession&) = delete;
  TestClientSession& operator=(const TestClientSession&) = delete;

  void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text) override {
    closedWith = condition;
    closeText = std::string(text);
  }
  [[nodiscard]] std::string remoteAddress() const override { return "127.0.0.1"; }
  [[nodiscard]] bool secure() const override { return true; }

  // Sends a stanza as this client (from is stamped, pre- events fire).
  void sendToServer(xml::Element stanza);
  // Sends a top-level element that is not a stanza (stream management, CSI)
  // as the c2s module does: "c2s-nonza/<namespace>". Returns whether a module took it.
  bool sendNonza(xml::Element nonza);
  // Sends an available presence (optionally with a priority) as this client.
  void goOnline(int priority = 0);
  // Takes and clears what was received.
  std::vector<xml::Element> take() { return std::exchange(received, {}); }

  std::vector<xml::Element> received;
  std::optional<xmpp::StreamErrorCondition> closedWith;
  std::string closeText;

 private:
  void write(const xml::Element& stanza) override { received.push_back(stanza); }

  Server& server_;
};

}  // namespace keyfed::server
