#pragma once
// The fixture of the s2s loopback suites: servers in one process federating
// over real loopback sockets (no TLS: certificates are tests/e2e's), and a
// raw socket for speaking to them by hand.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "keyfed/modules/s2s.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s::loopback {

using namespace std::chrono_literals;

inline std::uint16_t freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline S2sConfig openPolicy() {
  S2sConfig c;
  c.requireTls = false;  // no certificates in unit tests
  c.minimumLevel = policy::TrustLevel::verified;
  c.defaultAllow = true;
  c.dialbackSecret = "unit-test-secret";
  return c;
}

// One server: its domains, an s2s listener on `port`, routes to the others.
struct Peer {
  Peer(const std::vector<std::string>& domains, std::uint16_t port, S2sConfig s2s) : ts(domains) {
    ts.config.sections["s2s"] = std::move(s2s);
    config::Listener listener;
    listener.type = config::ListenerType::s2s;
    listener.address = "127.0.0.1";
    listener.port = port;
    ts.config.listeners.push_back(listener);
  }
  // `components`: component domains served beside the hosts (their host is
  // the one they are a subdomain of), added before the module loads.
  void start(const std::vector<std::string>& components = {}) {
    for (const auto& domain : components) {
      auto added = ts.server->addComponentDomain(domain);
      ASSERT_TRUE(added) << added.error().describe();
    }
    auto owned = std::make_unique<S2sModule>();
    module = owned.get();
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(std::move(owned));
    auto started = ts.start(std::move(modules));
    ASSERT_TRUE(started) << started.error().describe();
  }
  S2sConfig& settings() { return *std::any_cast<S2sConfig>(&ts.config.sections["s2s"]); }

  server::TestServer ts;
  S2sModule* module = nullptr;
};

inline xml::Element chat(std::string_view to, std::string_view body) {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", to).setAttr("type", "chat").setAttr("id", "m1");
  m.addChild("body", std::string(xmpp::ns::client)).addText(body);
  return m;
}

class S2sLoopback : public ::testing::Test {
 protected:
  void SetUp() override {
    portA = freePort();
    portB = freePort();
  }

  // a.test (and `domainsA`, `componentsA`) and b.test (and `componentsB`),
  // each with routes to every domain of the other.
  void makePeers(S2sConfig a, S2sConfig b, const std::vector<std::string>& domainsA = {"a.test"},
                 const std::vector<std::string>& componentsA = {},
                 const std::vector<std::string>& componentsB = {}) {
    a.routes.push_back({"b.test", "127.0.0.1", portB, false});
    b.routes.push_back({"a.test", "127.0.0.1", portA, false});
    for (const auto& d : domainsA) {
      if (d != "a.test") b.routes.push_back({d, "127.0.0.1", portA, false});
    }
    for (const auto& d : componentsA) b.routes.push_back({d, "127.0.0.1", portA, false});
    for (const auto& d : componentsB) a.routes.push_back({d, "127.0.0.1", portB, false});
    peerA = std::make_unique<Peer>(domainsA, portA, std::move(a));
    peerB = std::make_unique<Peer>(std::vector<std::string>{"b.test"}, portB, std::move(b));
    peerA->start(componentsA);
    peerB->start(componentsB);
  }

  // Runs both loops until `done` or the deadline.
  bool pumpUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      auto ran = peerA->ts.loop.poll() + peerB->ts.loop.poll();
      for (auto* peer : extra) ran += peer->ts.loop.poll();
      if (ran == 0) std::this_thread::sleep_for(1ms);
    }
    return done();
  }

  std::uint16_t portA = 0;
  std::uint16_t portB = 0;
  std::unique_ptr<Peer> peerA;
  std::unique_ptr<Peer> peerB;
  std::vector<Peer*> extra;  // more servers to run
};

inline const xml::Element* errorCondition(const xml::Element& stanza, std::string_view name) {
  const auto* error = stanza.child("error", {});
  return error == nullptr ? nullptr : error->child(name, xmpp::ns::stanzas);
}

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::fcntl(fd_, F_SETFL, O_NONBLOCK);
  }
  ~RawClient() { ::close(fd_); }
  [[nodiscard]] bool connected() const { return connected_; }
  // Writes what the socket takes now; returns how much.
  std::size_t write(std::string_view bytes) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    return n > 0 ? static_cast<std::size_t>(n) : 0;
  }
  // Reads what is there; false once the peer closed.
  bool read() {
    char buf[4096];
    for (;;) {
      const auto n = ::recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        text.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) closed = true;
      return !closed;
    }
  }
  std::string text;
  bool closed = false;

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace keyfed::modules::s2s::loopback
