// TLS on a ByteStream, driven by OpenSSL on the non-blocking socket: what the
// stream must get right beyond the happy path (partial writes, the peer
// vanishing mid-handshake, close versus abort, TLS 1.2 and 1.3 bindings, a
// read that has to write).

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <thread>

#include "blocking_tls_client.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/tls.hpp"
#include "stream_test_support.hpp"

namespace keyfed::net {
namespace {

using namespace std::chrono_literals;
using test_support::BlockingTlsClient;
using test_support::connectPair;
using test_support::Pair;
using test_support::Recorder;
using test_support::runUntil;
using test_support::TestCertificate;

// Long enough for 8 MiB under ASan on a loaded machine; the peer threads'
// sockets time out after 20 s, so a failure never hangs.
constexpr auto kTransfer = std::chrono::seconds(30);

// Bytes whose every position is checkable, so a reordered or lost record shows.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return out;
}

class TlsStream : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cert_.created());
    auto server = TlsServerContext::create({{"localhost", cert_.cert(), cert_.key()}}, {});
    ASSERT_TRUE(server) << server.error().describe();
    serverCtx_ = *server;
    auto client = TlsClientContext::create({});
    ASSERT_TRUE(client) << client.error().describe();
    clientCtx_ = *client;
  }

  // A direct-TLS listener whose accepted stream lands in server_.
  void listen() {
    ListenOptions options;
    options.directTls = serverCtx_;
    auto listener = Listener::open(loop_, options, [this](std::unique_ptr<ByteStream> s) {
      server_ = std::move(s);
      serverSide_ = std::make_unique<Recorder>();
      serverSide_->onData = onServerData_;
      server_->start(serverSide_.get());
    });
    ASSERT_TRUE(listener) << listener.error().describe();
    listener_ = std::move(*listener);
  }

  // Both ends ByteStreams; the client limited to `maxVersion` (0: newest).
  void connectTlsPair(Pair& p, int maxVersion) {
    connectPair(loop_, p, serverCtx_);
    if (maxVersion != 0) {
      // A context of its own, so that the limit does not leak into other tests.
      auto limited = TlsClientContext::create({});
      ASSERT_TRUE(limited);
      SSL_CTX_set_max_proto_version(static_cast<SSL_CTX*>((*limited)->nativeHandle()), maxVersion);
      clientCtx_ = *limited;
    }
    p.client->startTlsClient(clientCtx_, "localhost");
    ASSERT_TRUE(runUntil(loop_, [&] {
      return p.serverSide.tlsEstablished == 1 && p.clientSide.tlsEstablished == 1;
    }));
  }

  TestCertificate cert_{"tls-stream"};
  std::shared_ptr<TlsServerContext> serverCtx_;
  std::shared_ptr<TlsClientContext> clientCtx_;
  EventLoop loop_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<ByteStream> server_;
  std::unique_ptr<Recorder> serverSide_;
  void expectHandshakeFailure(const std::function<void(BlockingTlsClient&)>& peer);

  // Given to the accepted stream's recorder before it reads anything.
  std::function<void(std::string_view)> onServerData_;
};

// A peer with a small receive window (the server's socket fills long before
// 8 MiB) that handshakes, then reads nothing until `mayRead`, then everything.
struct StalledPeer {
  std::atomic<bool> mayRead = false;
  std::atomic<bool> done = false;
  std::string received;
  bool closeNotify = false;
  std::thread thread;

  void start(std::uint16_t port, bool answerCloseNotify) {
    thread = std::thread([this, port, answerCloseNotify] {
      BlockingTlsClient client(port, 32 * 1024);
      if (client.connected() && client.handshake()) {
        while (!mayRead) std::this_thread::sleep_for(1ms);
        closeNotify = client.readToEnd(received);
        if (answerCloseNotify) client.shutdown();
      }
      done = true;
    });
  }
};

TEST_F(TlsStream, LargeWriteCrossesRecordsAndPartialSocketWritesInOrderThenCloseNotify) {
  listen();
  const std::string payload = pattern(8U << 20U);
  StalledPeer peer;
  peer.start(listener_->port(), true);
  ASSERT_TRUE(runUntil(loop_, [&] { return serverSide_ && serverSide_->tlsEstablished == 1; }));
  server_->send(payload);
  // The socket took only part of it; the rest waits in the stream's queue.
  EXPECT_LT(server_->stats().bytesOut, payload.size());
  server_->close();
  peer.mayRead = true;
  const bool finished = runUntil(
      loop_, [&] { return peer.done && serverSide_->closed; }, kTransfer);
  peer.thread.join();
  ASSERT_TRUE(finished);
  EXPECT_EQ(peer.received.size(), payload.size());
  EXPECT_TRUE(peer.received == payload);
  EXPECT_TRUE(peer.closeNotify) << "the stream closed without close_notify";
  EXPECT_EQ(serverSide_->closedReason, "closed");
  EXPECT_EQ(server_->stats().bytesOut, payload.size());
}

TEST_F(TlsStream, AbortDropsQueuedBytesWithoutCloseNotify) {
  listen();
  const std::string payload = pattern(8U << 20U);
  StalledPeer peer;
  peer.start(listener_->port(), false);
  ASSERT_TRUE(runUntil(loop_, [&] { return serverSide_ && serverSide_->tlsEstablished == 1; }));
  server_->send(payload);
  server_->abort();
  // At once, not after a flush.
  EXPECT_TRUE(serverSide_->closed);
  EXPECT_EQ(serverSide_->closedReason, "aborted");
  server_->send("after the end");  // ignored, not a crash
  peer.mayRead = true;
  const bool finished = runUntil(
      loop_, [&] { return peer.done.load(); }, kTransfer);
  peer.thread.join();
  ASSERT_TRUE(finished);
  EXPECT_LT(peer.received.size(), payload.size());
  EXPECT_FALSE(peer.closeNotify);
}

// Runs `peer` against a fresh direct-TLS server stream on its own thread and
// expects that stream to report a failed handshake.
void TlsStream::expectHandshakeFailure(const std::function<void(BlockingTlsClient&)>& peer) {
  std::atomic<bool> peerDone = false;
  std::thread thread([&] {
    BlockingTlsClient client(listener_->port());
    peer(client);
    client.closeSocket();
    peerDone = true;
  });
  const bool closed =
      runUntil(loop_, [&] { return peerDone && serverSide_ && serverSide_->closed; });
  thread.join();
  ASSERT_TRUE(closed);
  EXPECT_NE(serverSide_->closedReason.find("TLS handshake failed"), std::string::npos)
      << serverSide_->closedReason;
  EXPECT_EQ(serverSide_->tlsEstablished, 0);
}

TEST_F(TlsStream, PeerClosingMidHandshakeFailsThatStreamOnly) {
  listen();
  expectHandshakeFailure([](BlockingTlsClient& client) {
    // The start of a ClientHello record, then the peer is gone.
    client.sendRaw(std::string_view("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  });

  // The listener and TLS context still serve the next client.
  std::atomic<bool> peerDone = false;
  std::atomic<bool> handshaked = false;
  std::thread next([&] {
    BlockingTlsClient client(listener_->port());
    handshaked = client.connected() && client.handshake() && client.write("hello");
    peerDone = true;
  });
  const bool served =
      runUntil(loop_, [&] { return peerDone && serverSide_ && serverSide_->received == "hello"; });
  next.join();
  EXPECT_TRUE(handshaked);
  EXPECT_TRUE(served);
}

TEST_F(TlsStream, PeerClosingAfterItsClientHelloFailsTheHandshake) {
  listen();
  expectHandshakeFailure([](BlockingTlsClient& client) {
    // A real ClientHello (OpenSSL's first flight), then the socket closes
    // while the server is mid-handshake.
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL* ssl = SSL_new(ctx);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_connect(ssl);  // WANT_READ after writing the ClientHello into `out`
    char* hello = nullptr;
    const long size = BIO_get_mem_data(out, &hello);
    client.sendRaw(std::string_view(hello, static_cast<std::size_t>(size)));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    std::this_thread::sleep_for(50ms);
  });
}

TEST_F(TlsStream, ServerCloseReachesAByteStreamClientAfterItsData) {
  Pair p;
  connectTlsPair(p, 0);
  p.server->send("</stream:stream>");
  p.server->close();
  ASSERT_TRUE(runUntil(loop_, [&] { return p.serverSide.closed && p.clientSide.closed; }));
  EXPECT_EQ(p.clientSide.received, "</stream:stream>");
  EXPECT_EQ(p.clientSide.closedReason, "peer closed the connection");
  EXPECT_EQ(p.serverSide.closedReason, "closed");
}

TEST_F(TlsStream, Tls12BindsWithTlsUniqueAndExporter) {
  Pair p;
  connectTlsPair(p, TLS1_2_VERSION);
  EXPECT_EQ(p.server->tlsVersion(), "TLSv1.2");
  EXPECT_EQ(p.client->tlsVersion(), "TLSv1.2");
  // Both ends agree; 12 bytes is TLS 1.2's Finished verify_data.
  const std::string unique = p.server->tlsUnique();
  EXPECT_EQ(unique.size(), 12U);
  EXPECT_EQ(unique, p.client->tlsUnique());
  // OpenSSL 3 negotiates the extended master secret, which RFC 9266 requires.
  EXPECT_EQ(p.server->tlsExporter().size(), 32U);
  EXPECT_EQ(p.server->tlsExporter(), p.client->tlsExporter());
  p.client->send("<presence/>");
  p.server->send("<presence/>");
  ASSERT_TRUE(runUntil(loop_, [&] {
    return p.serverSide.received == "<presence/>" && p.clientSide.received == "<presence/>";
  }));
}

TEST_F(TlsStream, Tls13BindsWithExporterOnly) {
  Pair p;
  connectTlsPair(p, 0);
  EXPECT_EQ(p.server->tlsVersion(), "TLSv1.3");
  EXPECT_EQ(p.server->tlsUnique(), "");
  EXPECT_EQ(p.server->tlsExporter().size(), 32U);
  EXPECT_EQ(p.server->tlsExporter(), p.client->tlsExporter());
  EXPECT_NE(p.server->tlsExporter(), p.server->tlsUnique());
}

TEST_F(TlsStream, ReadThatMustAnswerAKeyUpdateKeepsBothDirectionsFlowing) {
  onServerData_ = [this](std::string_view) { server_->send("pong"); };
  listen();
  std::atomic<bool> peerDone = false;
  // The peer keeps its connection open until the stream's state is checked:
  // its close would otherwise race with that check.
  std::atomic<bool> mayClose = false;
  std::string reply;
  bool steps = false;
  std::thread peer([&] {
    BlockingTlsClient client(listener_->port());
    steps = client.connected() && client.handshake() && client.requestKeyUpdate() &&
            client.write("ping");
    reply = client.read(4);
    steps = steps && client.requestKeyUpdate() && client.write("ping");
    reply += client.read(4);
    peerDone = true;
    while (!mayClose) std::this_thread::sleep_for(1ms);
  });
  const bool finished = runUntil(
      loop_, [&] { return peerDone.load(); }, kTransfer);
  const bool closedWhileOpen = serverSide_ && serverSide_->closed;
  const std::string closedReason = serverSide_ ? serverSide_->closedReason : "";
  mayClose = true;
  peer.join();
  ASSERT_TRUE(finished);
  EXPECT_TRUE(steps);
  EXPECT_EQ(reply, "pongpong");
  EXPECT_EQ(serverSide_->received, "pingping");
  EXPECT_FALSE(closedWhileOpen) << closedReason;
}

TEST_F(TlsStream, ManyWritesWhileBlockedKeepTheirOrder) {
  Pair p;
  connectTlsPair(p, 0);
  std::string expected;
  // Thousands of small sends, most of them queued behind a full socket.
  for (int i = 0; i < 20000; ++i) {
    std::string stanza = "<message id='" + std::to_string(i) + "'>" + pattern(400) + "</message>";
    p.server->send(stanza);
    expected += stanza;
  }
  ASSERT_TRUE(runUntil(
      loop_, [&] { return p.clientSide.received.size() >= expected.size(); }, kTransfer));
  EXPECT_TRUE(p.clientSide.received == expected);
  EXPECT_EQ(p.server->stats().bytesOut, expected.size());
  EXPECT_EQ(p.client->stats().bytesIn, expected.size());
}

}  // namespace
}  // namespace keyfed::net
