#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"
#include "stream_test_support.hpp"

namespace keyfed::net {
namespace {

using test_support::connectPair;
using test_support::Pair;
using test_support::runUntil;
using test_support::TestCertificate;

TEST(ByteStream, DeliversBytesBothWaysInOrder) {
  EventLoop loop;
  Pair p;
  connectPair(loop, p);
  p.client->send("<stream");
  p.client->send(":stream>");
  p.server->send("hello");
  ASSERT_TRUE(runUntil(loop, [&] {
    return p.serverSide.received == "<stream:stream>" && p.clientSide.received == "hello";
  }));
  EXPECT_EQ(p.server->remoteAddress(), "127.0.0.1");
  EXPECT_FALSE(p.server->isTls());
  EXPECT_EQ(p.server->tlsExporter(), "");
}

// A server with several addresses connects from the one its peers know
// (s2s source_address): the accepting side sees that address.
TEST(ConnectTcp, ConnectsFromTheGivenSourceAddress) {
  EventLoop loop;
  std::unique_ptr<ByteStream> accepted;
  auto listener = Listener::open(loop, ListenOptions{},
                                 [&](std::unique_ptr<ByteStream> s) { accepted = std::move(s); });
  ASSERT_TRUE(listener) << listener.error().describe();
  std::unique_ptr<ByteStream> client;
  connectTcp(loop, "127.0.0.1", (*listener)->port(), "127.0.0.2",
             [&](base::Result<std::unique_ptr<ByteStream>> s) {
               ASSERT_TRUE(s) << s.error().describe();
               client = std::move(*s);
             });
  ASSERT_TRUE(runUntil(loop, [&] { return accepted && client; }));
  EXPECT_EQ(accepted->remoteAddress(), "127.0.0.2");
}

TEST(ConnectTcp, AnUnusableSourceFailsTheConnection) {
  EventLoop loop;
  auto failureFrom = [&loop](const std::string& source) {
    std::optional<base::Error> error;
    connectTcp(loop, "127.0.0.1", 9, source, [&](base::Result<std::unique_ptr<ByteStream>> s) {
      EXPECT_FALSE(s);
      if (!s) error = s.error();
    });
    EXPECT_TRUE(runUntil(loop, [&] { return error.has_value(); }));
    return error.value_or(base::Error{});
  };
  // 192.0.2.1 (TEST-NET-1) is no address of this machine: bind fails at once.
  EXPECT_EQ(failureFrom("192.0.2.1").code, "net.bind");
  EXPECT_EQ(failureFrom("not-an-ip").code, "net.bad-address");
}

TEST(ByteStream, CloseFlushesThenReportsClosedToBothSides) {
  EventLoop loop;
  Pair p;
  connectPair(loop, p);
  p.server->send("</stream:stream>");
  p.server->close();
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.closed && p.clientSide.closed; }));
  EXPECT_EQ(p.clientSide.received, "</stream:stream>");
}

// Sends of one loop turn leave together; what was sent just before the owner
// drops the stream (a stream error, then destruction) still reaches the peer.
TEST(ByteStream, BytesSentRightBeforeTheStreamIsDroppedStillArrive) {
  EventLoop loop;
  Pair p;
  connectPair(loop, p);
  for (int i = 0; i < 100; ++i) p.server->send("<message/>");
  p.server->send("<stream:error/>");
  p.server.reset();
  ASSERT_TRUE(runUntil(loop, [&] { return p.clientSide.closed; }));
  std::string expected;
  for (int i = 0; i < 100; ++i) expected += "<message/>";
  EXPECT_EQ(p.clientSide.received, expected + "<stream:error/>");
}

TEST(ByteStream, StartTlsUpgradesInPlaceWithMatchingChannelBinding) {
  TestCertificate cert;
  ASSERT_TRUE(cert.created());
  auto serverCtx = TlsServerContext::create({{"localhost", cert.cert(), cert.key()}}, {});
  ASSERT_TRUE(serverCtx) << serverCtx.error().describe();
  auto clientCtx = TlsClientContext::create({});
  ASSERT_TRUE(clientCtx);

  EventLoop loop;
  Pair p;
  connectPair(loop, p);
  // As in XMPP: the client asks, the server answers <proceed/> in plaintext and
  // then both sides handshake on the same connection.
  p.serverSide.onData = [&](std::string_view data) {
    if (data == "<starttls/>") {
      p.server->send("<proceed/>");
      p.server->startTls(*serverCtx);
    }
  };
  p.clientSide.onData = [&](std::string_view data) {
    if (data == "<proceed/>") p.client->startTlsClient(*clientCtx, "localhost");
  };
  p.client->send("<starttls/>");
  ASSERT_TRUE(runUntil(
      loop, [&] { return p.serverSide.tlsEstablished == 1 && p.clientSide.tlsEstablished == 1; }));
  EXPECT_TRUE(p.server->isTls());
  EXPECT_EQ(p.server->sniName(), "localhost");
  EXPECT_EQ(p.server->tlsVersion(), "TLSv1.3");
  const auto binding = p.server->tlsExporter();
  EXPECT_EQ(binding.size(), 32U);
  EXPECT_EQ(binding, p.client->tlsExporter());
  EXPECT_FALSE(p.client->peerCertificateChain().empty());

  p.serverSide.onData = nullptr;
  p.client->send("secret");
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.received == "<starttls/>secret"; }));
}

TEST(ByteStream, DirectTlsHandshakesBeforeTheFirstByte) {
  TestCertificate cert;
  ASSERT_TRUE(cert.created());
  auto serverCtx = TlsServerContext::create({{"localhost", cert.cert(), cert.key()}}, {});
  ASSERT_TRUE(serverCtx);
  auto clientCtx = TlsClientContext::create({});
  ASSERT_TRUE(clientCtx);
  EventLoop loop;
  Pair p;
  connectPair(loop, p, *serverCtx);
  p.client->startTlsClient(*clientCtx, "localhost");
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.tlsEstablished == 1; }));
  p.client->send("<stream:stream>");
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.received == "<stream:stream>"; }));
}

TEST(ByteStream, PlaintextClientOnTlsPortIsClosed) {
  TestCertificate cert;
  ASSERT_TRUE(cert.created());
  auto serverCtx = TlsServerContext::create({{"localhost", cert.cert(), cert.key()}}, {});
  ASSERT_TRUE(serverCtx);
  EventLoop loop;
  Pair p;
  connectPair(loop, p, *serverCtx);
  p.client->send("<?xml version='1.0'?><stream:stream>");
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.closed; }));
  EXPECT_NE(p.serverSide.closedReason.find("TLS handshake failed"), std::string::npos);
  EXPECT_EQ(p.serverSide.received, "");
}

TEST(TlsServerContext, RefusesMissingOrMismatchedFiles) {
  auto missing =
      TlsServerContext::create({{"localhost", "/nonexistent.crt", "/nonexistent.key"}}, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "tls.certificate");
  TestCertificate a("a");
  TestCertificate b("b");
  auto mismatched = TlsServerContext::create({{"localhost", a.cert(), b.key()}}, {});
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, "tls.key");
  auto badVersion = TlsServerContext::create({{"localhost", a.cert(), a.key()}}, {"1.1", ""});
  ASSERT_FALSE(badVersion);
  EXPECT_EQ(badVersion.error().code, "tls.min-version");
}

}  // namespace
}  // namespace keyfed::net
