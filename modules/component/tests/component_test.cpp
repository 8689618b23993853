// The component module against a TestServer (real router, real SQLite): a
// component's stream scripted byte by byte through an in-memory connection,
// local users as TestClientSessions.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "component_module.hpp"
#include "handshake.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::component {
namespace {

namespace ns = xmpp::ns;
using namespace std::chrono_literals;

constexpr std::string_view kDomain = "gw.example.test";
constexpr std::string_view kSecret = "0123456789abcdef-secret";

// The connection between the module's session and the scripted component;
// outlives the stream, which the session owns.
struct Wire {
  net::EventLoop* loop = nullptr;
  net::ByteStreamHandler* handler = nullptr;
  std::string written;
  bool closed = false;
};

// An in-memory connection: what the server writes lands in the wire; close()
// reports onClosed() from the loop, as a socket does.
class FakeStream final : public net::ByteStream {
 public:
  explicit FakeStream(std::shared_ptr<Wire> wire) : wire_(std::move(wire)) {}
  void start(net::ByteStreamHandler* handler) override { wire_->handler = handler; }
  void send(std::string_view bytes) override { wire_->written.append(bytes); }
  void startTls(std::shared_ptr<net::TlsServerContext> /*context*/) override {}
  void startTlsClient(std::shared_ptr<net::TlsClientContext> /*context*/,
                      std::string /*serverName*/) override {}
  void close() override { finish(); }
  void abort() override { finish(); }
  [[nodiscard]] bool isTls() const override { return false; }
  [[nodiscard]] std::string tlsExporter() const override { return {}; }
  [[nodiscard]] std::string tlsUnique() const override { return {}; }
  [[nodiscard]] std::string tlsVersion() const override { return {}; }
  [[nodiscard]] std::string sniName() const override { return {}; }
  [[nodiscard]] std::vector<std::string> peerCertificateChain() const override { return {}; }
  [[nodiscard]] std::string remoteAddress() const override { return "127.0.0.1"; }
  [[nodiscard]] std::string localAddress() const override { return "127.0.0.1"; }
  [[nodiscard]] net::StreamStats stats() const override { return {}; }

 private:
  void finish() {
    if (wire_->closed) return;
    wire_->closed = true;
    auto* handler = std::exchange(wire_->handler, nullptr);
    if (handler != nullptr) wire_->loop->post([handler] { handler->onClosed("closed"); });
  }
  std::shared_ptr<Wire> wire_;
};

// What the server wrote to one connection, parsed as its stream.
class Reader final : public xml::StreamHandler {
 public:
  void onStreamOpen(const xml::StreamHeader& header) override { this->header = header; }
  void onStanza(xml::Element&& stanza) override { elements.push_back(std::move(stanza)); }
  void onStreamClose() override {}

  xml::StreamParser parser{*this};
  std::size_t offset = 0;
  xml::StreamHeader header;
  std::vector<xml::Element> elements;
};

// The component's side of one connection: writes bytes, reads the server's stream.
class Peer {
 public:
  explicit Peer(std::shared_ptr<Wire> wire)
      : wire_(std::move(wire)), reader_(std::make_unique<Reader>()) {}

  void write(std::string_view bytes) {
    if (wire_->handler != nullptr) wire_->handler->onBytes(bytes);
  }
  void open(std::string_view to) {
    write(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
        "xmlns:stream='http://etherx.jabber.org/streams' to='" +
        std::string(to) + "'>");
  }
  void handshake(std::string_view secret) {
    write("<handshake>" + handshakeDigest(header().id, secret) + "</handshake>");
  }
  // What the server wrote since the last call, parsed.
  std::vector<xml::Element> read() {
    pump();
    return std::exchange(reader_->elements, {});
  }
  // The server's stream header; stanzas after it stay for the next read().
  const xml::StreamHeader& header() {
    pump();
    return reader_->header;
  }
  // The condition of the stream error among `elements`, or "" when there is none.
  static std::string streamError(const std::vector<xml::Element>& elements) {
    for (const auto& e : elements) {
      if (!e.is("error", ns::stream)) continue;
      for (const auto& c : e.children()) {
        if (c.ns() == ns::streams && c.name() != "text") return c.name();
      }
    }
    return {};
  }
  [[nodiscard]] bool closed() const { return wire_->closed; }

 private:
  void pump() {
    const std::string_view written = wire_->written;
    if (reader_->offset < written.size()) {
      EXPECT_TRUE(reader_->parser.feed(written.substr(reader_->offset)).has_value());
      reader_->offset = written.size();
    }
  }

  std::shared_ptr<Wire> wire_;
  std::unique_ptr<Reader> reader_;  // on the heap: the parser points at it
};

class ComponentTest : public ::testing::Test {
 protected:
  ComponentTest() {
    ComponentsConfig components;
    components.components.push_back({std::string(kDomain), std::string(kSecret), 0s, "Gateway"});
    t.config.sections["component"] = components;
    t.addUser("alice", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    auto module = std::make_unique<ComponentModule>();
    module_ = module.get();
    modules.push_back(std::move(module));
    EXPECT_TRUE(t.start(std::move(modules)).has_value());
    alice = t.connect("alice", "example.test");
  }

  Peer connect() {
    auto wire = std::make_shared<Wire>();
    wire->loop = &t.loop;
    module_->accept(std::make_unique<FakeStream>(wire));
    return Peer(wire);
  }
  // A component connected with the right secret.
  Peer connected() {
    Peer peer = connect();
    peer.open(kDomain);
    peer.handshake(kSecret);
    auto answer = peer.read();
    EXPECT_EQ(answer.size(), 1U);
    EXPECT_TRUE(!answer.empty() && answer[0].is("handshake", ns::component));
    return peer;
  }
  // Runs the loop (the session's timer) for `duration` of real time.
  void runFor(std::chrono::milliseconds duration) {
    const auto end = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < end) {
      t.poll();
      std::this_thread::sleep_for(5ms);
    }
  }
  xml::Element discoInfoTo(std::string_view to) {
    xml::Element iq("iq", std::string(ns::client));
    iq.setAttr("type", "get").setAttr("id", "d1").setAttr("to", to);
    iq.addChild("query", std::string(ns::discoInfo));
    return iq;
  }

  server::TestServer t{{"example.test"}};
  ComponentModule* module_ = nullptr;
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(ComponentTest, RightSecretConnectsAndStanzasFlowBothWays) {
  Peer gw = connected();
  EXPECT_EQ(gw.header().from, kDomain);
  EXPECT_EQ(gw.header().defaultNs, ns::component);
  EXPECT_GE(gw.header().id.size(), 32U) << "a stream id of 16 random bytes";

  alice->sendToServer(server::makeMessage("bot@gw.example.test", "ping"));
  auto in = gw.read();
  ASSERT_EQ(in.size(), 1U);
  EXPECT_EQ(in[0].ns(), ns::component) << "written in the component's namespace";
  EXPECT_EQ(in[0].attr("from"), "alice@example.test/test");
  EXPECT_EQ(in[0].childText("body", ns::component), "ping");

  gw.write(
      "<message from='bot@gw.example.test' to='alice@example.test/test' type='chat'>"
      "<body>pong</body></message>");
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("from"), "bot@gw.example.test");
  EXPECT_EQ(got[0].childText("body", ns::server), "pong");
}

TEST_F(ComponentTest, WrongSecretIsNotAuthorizedAndFailuresAreThrottled) {
  const auto failures = t.config.limits.authFailures;
  for (std::uint32_t i = 0; i < failures; ++i) {
    Peer peer = connect();
    peer.open(kDomain);
    peer.handshake("not the secret at all, sorry");
    auto out = peer.read();
    EXPECT_EQ(Peer::streamError(out), "not-authorized");
    EXPECT_TRUE(peer.closed());
  }
  // Even the right secret is refused from that address until the window passes.
  Peer late = connect();
  late.open(kDomain);
  late.handshake(kSecret);
  EXPECT_EQ(Peer::streamError(late.read()), "policy-violation");
  t.clock.advance(t.config.limits.authFailureWindow + 1s);
  (void)connected();
}

TEST_F(ComponentTest, UnknownDomainIsHostUnknown) {
  Peer peer = connect();
  peer.open("other.example.test");
  EXPECT_EQ(Peer::streamError(peer.read()), "host-unknown");
  Peer host = connect();
  host.open("example.test");
  EXPECT_EQ(Peer::streamError(host.read()), "host-unknown") << "a virtual host is no component";
}

TEST_F(ComponentTest, AnythingBeforeTheHandshakeIsNotAuthorized) {
  Peer peer = connect();
  peer.open(kDomain);
  peer.write("<message from='bot@gw.example.test' to='alice@example.test'/>");
  EXPECT_EQ(Peer::streamError(peer.read()), "not-authorized");
  EXPECT_TRUE(alice->take().empty());
}

TEST_F(ComponentTest, ASecondConnectionForTheDomainGetsConflict) {
  Peer first = connected();
  Peer second = connect();
  second.open(kDomain);
  second.handshake(kSecret);
  EXPECT_EQ(Peer::streamError(second.read()), "conflict");
  t.poll();
  alice->sendToServer(server::makeMessage("gw.example.test", "still you?"));
  EXPECT_EQ(first.read().size(), 1U) << "the first connection keeps the domain";
}

TEST_F(ComponentTest, ForgedFromIsInvalidFromAndTheDomainGoesOffline) {
  Peer gw = connected();
  gw.write(
      "<message from='admin@example.test' to='alice@example.test/test'><body>x</body>"
      "</message>");
  EXPECT_EQ(Peer::streamError(gw.read()), "invalid-from");
  EXPECT_TRUE(alice->take().empty()) << "the forged stanza went nowhere";
  t.poll();
  alice->sendToServer(discoInfoTo(kDomain));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
  EXPECT_NE(got[0].child("error", "")->child("service-unavailable", ns::stanzas), nullptr);
}

TEST_F(ComponentTest, WhileDisconnectedIqAndMessagesBouncePresenceIsDropped) {
  alice->sendToServer(discoInfoTo("bot@gw.example.test"));
  alice->sendToServer(server::makeMessage("bot@gw.example.test", "anyone?"));
  xml::Element presence("presence", std::string(ns::client));
  presence.setAttr("to", "bot@gw.example.test");
  alice->sendToServer(std::move(presence));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 2U);
  for (const auto& e : got) {
    EXPECT_EQ(e.attr("type"), "error");
    EXPECT_NE(e.child("error", "")->child("service-unavailable", ns::stanzas), nullptr);
  }
}

TEST_F(ComponentTest, ComponentStanzasWithoutToAreAnsweredBadRequest) {
  Peer gw = connected();
  gw.write("<iq type='get' id='q1' from='bot@gw.example.test'><ping xmlns='urn:xmpp:ping'/></iq>");
  auto out = gw.read();
  ASSERT_EQ(out.size(), 1U);
  EXPECT_EQ(out[0].attr("type"), "error");
  EXPECT_EQ(out[0].attr("to"), "bot@gw.example.test");
  EXPECT_NE(out[0].child("error", "")->child("bad-request", ns::stanzas), nullptr);
}

TEST_F(ComponentTest, BadXmlEndsTheStreamWithItsError) {
  Peer gw = connected();
  gw.write("<message to='alice@example.test'><body></message>");
  EXPECT_EQ(Peer::streamError(gw.read()), "not-well-formed");
  Peer other = connect();
  other.write(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' to='gw.example.test'>");
  EXPECT_EQ(Peer::streamError(other.read()), "invalid-namespace");
}

TEST_F(ComponentTest, NoHandshakeInTimeIsAConnectionTimeout) {
  t.config.limits.authTimeout = 0s;
  Peer peer = connect();
  peer.open(kDomain);
  runFor(100ms);
  EXPECT_EQ(Peer::streamError(peer.read()), "connection-timeout");
}

// The idle deadline follows the fake clock; the timer that checks it runs in real time
// (about once per timeout), so a one-second timeout keeps this test short.
TEST_F(ComponentTest, WhitespaceKeepalivesKeepAnIdleStreamOpenSilenceEndsIt) {
  t.config.limits.c2sIdleTimeout = 1s;
  Peer gw = connected();
  for (int i = 0; i < 5; ++i) {
    t.clock.advance(400ms);
    gw.write(" ");
    runFor(300ms);
  }
  EXPECT_FALSE(gw.closed()) << "2 s of keepalives, never 1 s of silence";
  t.clock.advance(2s);
  runFor(1200ms);
  EXPECT_EQ(Peer::streamError(gw.read()), "connection-timeout");
  EXPECT_TRUE(gw.closed());
}

TEST_F(ComponentTest, TheServerListsTheComponentInItsItems) {
  const auto& items = t.server->disco().serverItems();
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].jid, kDomain);
  EXPECT_EQ(items[0].name, "Gateway");
}

TEST_F(ComponentTest, AComponentDomainCannotBeServedTwice) {
  server::TestServer other{{"example.test"}};
  ComponentsConfig components;
  components.components.push_back({"example.test", std::string(kSecret), 0s, ""});
  other.config.sections["component"] = components;
  std::vector<std::unique_ptr<server::Module>> modules;
  modules.push_back(std::make_unique<ComponentModule>());
  auto started = other.start(std::move(modules));
  ASSERT_FALSE(started.has_value());
  EXPECT_EQ(started.error().code, "server.component");
}

}  // namespace
}  // namespace keyfed::modules::component
