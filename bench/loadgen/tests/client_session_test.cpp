// ClientSession against a scripted server: the test plays the server's side
// of the conversation over a fake byte stream ("the client sends ..., the
// server answers ..."), with a real SCRAM server from libs/xmpp.

#include "client_session.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/scram.hpp"
#include "scram_cache.hpp"

namespace keyfed::loadgen {
namespace {

namespace ns = xmpp::ns;
using namespace std::chrono_literals;

constexpr std::string_view kServerHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>";
constexpr std::string_view kStartTlsFeatures =
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
    "</stream:features>";
constexpr std::string_view kSaslFeatures =
    "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
    "<mechanism>SCRAM-SHA-1</mechanism><mechanism>SCRAM-SHA-256</mechanism></mechanisms>"
    "</stream:features>";

// A ByteStream that keeps what the client sends and lets the test deliver bytes.
class FakeStream final : public net::ByteStream {
 public:
  void start(net::ByteStreamHandler* handler) override { handler_ = handler; }
  void send(std::string_view bytes) override { written_.append(bytes); }
  void startTls(std::shared_ptr<net::TlsServerContext>) override {}
  void startTlsClient(std::shared_ptr<net::TlsClientContext>, std::string serverName) override {
    tlsRequested_ = true;
    sni_ = std::move(serverName);
  }
  void close() override { finish("closed"); }
  void abort() override { finish("aborted"); }
  bool isTls() const override { return tlsUp_; }
  std::string tlsExporter() const override { return {}; }
  std::string tlsUnique() const override { return {}; }
  std::string tlsVersion() const override { return tlsUp_ ? "TLSv1.3" : ""; }
  std::string sniName() const override { return {}; }
  std::vector<std::string> peerCertificateChain() const override { return {}; }
  std::string remoteAddress() const override { return "127.0.0.1"; }
  std::string localAddress() const override { return "127.0.0.1"; }
  net::StreamStats stats() const override { return {}; }

  // The server's side.
  void deliver(std::string_view bytes) {
    if (handler_ != nullptr) handler_->onBytes(bytes);
  }
  void establishTls() {
    tlsUp_ = true;
    if (handler_ != nullptr) handler_->onTlsEstablished();
  }
  void peerCloses() { finish("peer closed the connection"); }
  std::string takeWritten() { return std::exchange(written_, {}); }
  bool tlsRequested() const { return tlsRequested_; }
  const std::string& sni() const { return sni_; }
  bool closed() const { return closed_; }

 private:
  void finish(std::string_view reason) {
    if (closed_) return;
    closed_ = true;
    auto* h = std::exchange(handler_, nullptr);
    if (h != nullptr) h->onClosed(reason);
  }

  net::ByteStreamHandler* handler_ = nullptr;
  std::string written_;
  std::string sni_;
  bool tlsRequested_ = false;
  bool tlsUp_ = false;
  bool closed_ = false;
};

// Reads what the client wrote, element by element.
class ClientOutput final : public xml::StreamHandler {
 public:
  void onStreamOpen(const xml::StreamHeader& header) override {
    ++headers;
    lastHeader = header;
  }
  void onStanza(xml::Element&& stanza) override { elements.push_back(std::move(stanza)); }
  void onStreamClose() override { streamClosed = true; }

  void feed(std::string_view bytes) { ASSERT_TRUE(parser_.feed(bytes)) << bytes; }
  void restart() { parser_.reset(); }
  void clear() {
    restart();
    headers = 0;
    elements.clear();
    streamClosed = false;
  }
  // The next element the client sent (fails the test when there is none).
  xml::Element next() {
    if (elements.empty()) {
      ADD_FAILURE() << "the client sent nothing more";
      return {};
    }
    xml::Element e = std::move(elements.front());
    elements.erase(elements.begin());
    return e;
  }

  int headers = 0;
  xml::StreamHeader lastHeader;
  std::vector<xml::Element> elements;
  bool streamClosed = false;

 private:
  xml::StreamParser parser_{*this};
};

struct Events final : SessionObserver {
  void onAuthenticated(ClientSession&) override { ++authenticated; }
  void onReady(ClientSession&) override { ++ready; }
  void onChat(ClientSession&, std::string_view from, std::string_view body) override {
    chats.emplace_back(std::string(from), std::string(body));
  }
  void onStanzaError(ClientSession&, const xml::Element& stanza) override {
    errors.push_back(stanza.name());
  }
  void onFailed(ClientSession& s) override {
    ++failed;
    failure = s.error();
  }
  void onClosed(ClientSession&) override { ++closed; }

  int authenticated = 0;
  int ready = 0;
  int failed = 0;
  int closed = 0;
  std::optional<base::Error> failure;
  std::vector<std::pair<std::string, std::string>> chats;
  std::vector<std::string> errors;
};

class ClientSessionTest : public ::testing::Test {
 protected:
  std::unique_ptr<ClientSession> makeSession(bool stopAfterAuth = false,
                                             std::string password = "secret") {
    SessionConfig c;
    c.index = 3;
    c.domain = "localhost";
    c.username = "user4";
    c.password = std::move(password);
    c.resource = "lg3";
    c.stopAfterAuth = stopAfterAuth;
    c.loginTimeout = loginTimeout;
    Connector connector = [this](auto onConnected) {
      auto stream = std::make_unique<FakeStream>();
      stream_ = stream.get();
      onConnected(std::unique_ptr<net::ByteStream>(std::move(stream)));
    };
    return std::make_unique<ClientSession>(loop_, std::move(c), connector, cache_, events_);
  }

  void clientSaid() { out_.feed(stream_->takeWritten()); }

  // Plays the server up to the client's <auth/>, returning it.
  xml::Element upToAuth(ClientSession& session) {
    session.start();
    clientSaid();
    EXPECT_EQ(out_.headers, 1);
    EXPECT_EQ(out_.lastHeader.to, "localhost");
    stream_->deliver(kServerHeader);
    stream_->deliver(kStartTlsFeatures);
    clientSaid();
    EXPECT_TRUE(out_.next().is("starttls", ns::tls));
    stream_->deliver("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    EXPECT_TRUE(stream_->tlsRequested());
    EXPECT_EQ(stream_->sni(), "localhost");
    out_.restart();
    stream_->establishTls();
    clientSaid();
    EXPECT_EQ(out_.headers, 2);
    stream_->deliver(kServerHeader);
    stream_->deliver(kSaslFeatures);
    clientSaid();
    return out_.next();
  }

  // Runs SCRAM on the server side with the account's real credentials.
  void scramSucceeds(const xml::Element& auth) {
    EXPECT_TRUE(auth.is("auth", ns::sasl));
    EXPECT_EQ(auth.attr("mechanism"), "SCRAM-SHA-256");
    xmpp::ScramServer server({});
    auto first = xmpp::decodeSaslPayload(auth.text());
    ASSERT_TRUE(first && first->has_value());
    auto serverFirst = server.handleClientFirst(**first, [this](std::string_view user) {
      EXPECT_EQ(user, "user4");
      return std::optional<xmpp::ScramCredentials>(credentials_);
    });
    ASSERT_TRUE(serverFirst) << serverFirst.error().describe();
    stream_->deliver("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                     xmpp::encodeSaslPayload(*serverFirst) + "</challenge>");
    clientSaid();
    xml::Element response = out_.next();
    ASSERT_TRUE(response.is("response", ns::sasl));
    auto final = xmpp::decodeSaslPayload(response.text());
    ASSERT_TRUE(final && final->has_value());
    auto serverFinal = server.handleClientFinal(**final);
    ASSERT_TRUE(serverFinal) << serverFinal.error().describe();
    out_.restart();
    stream_->deliver("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                     xmpp::encodeSaslPayload(*serverFinal) + "</success>");
  }

  // From SASL success to ready, with a server that still requires RFC 3921 sessions.
  void bindAndReady(ClientSession& session) {
    clientSaid();
    EXPECT_EQ(out_.headers, 3);
    stream_->deliver(kServerHeader);
    stream_->deliver(
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
        "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>");
    clientSaid();
    xml::Element bind = out_.next();
    ASSERT_EQ(bind.name(), "iq");
    EXPECT_EQ(bind.attr("type"), "set");
    EXPECT_EQ(bind.child("bind", ns::bind)->childText("resource", ns::bind), "lg3");
    stream_->deliver("<iq type='result' id='" + std::string(bind.attr("id")) +
                     "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                     "<jid>user4@localhost/lg3</jid></bind></iq>");
    clientSaid();
    xml::Element session_iq = out_.next();
    ASSERT_NE(session_iq.child("session", ns::session), nullptr);
    stream_->deliver("<iq type='result' id='" + std::string(session_iq.attr("id")) + "'/>");
    clientSaid();
    EXPECT_EQ(out_.next().name(), "presence");
    xml::Element ping = out_.next();
    ASSERT_NE(ping.child("ping", ns::ping), nullptr);
    EXPECT_EQ(events_.ready, 0);  // ready only once the server has answered
    stream_->deliver("<iq type='result' from='localhost' id='" + std::string(ping.attr("id")) +
                     "'/>");
    EXPECT_EQ(events_.ready, 1);
    EXPECT_TRUE(session.ready());
    EXPECT_EQ(session.jid(), "user4@localhost/lg3");
  }

  net::EventLoop loop_;
  ScramCache cache_;
  Events events_;
  ClientOutput out_;
  FakeStream* stream_ = nullptr;
  std::chrono::milliseconds loginTimeout{30'000};
  xmpp::ScramCredentials credentials_ =
      *xmpp::deriveScramCredentials(xmpp::ScramHash::sha256, "secret", "0123456789abcdef", 4096);
};

TEST_F(ClientSessionTest, LogsInExchangesAChatAndClosesPolitely) {
  auto session = makeSession();
  scramSucceeds(upToAuth(*session));
  bindAndReady(*session);

  session->sendChat("user3@localhost/lg2", "m0", "hello <&> there");
  clientSaid();
  xml::Element message = out_.next();
  EXPECT_EQ(message.attr("type"), "chat");
  EXPECT_EQ(message.attr("to"), "user3@localhost/lg2");
  EXPECT_EQ(message.childText("body", ns::client), "hello <&> there");

  stream_->deliver(
      "<message from='user3@localhost/lg2' to='user4@localhost/lg3' type='chat'>"
      "<body>1 0 5 xx</body></message>");
  ASSERT_EQ(events_.chats.size(), 1U);
  EXPECT_EQ(events_.chats[0].first, "user3@localhost/lg2");
  EXPECT_EQ(events_.chats[0].second, "1 0 5 xx");

  session->close();
  clientSaid();
  EXPECT_TRUE(out_.streamClosed);
  EXPECT_EQ(events_.closed, 0);  // waits for the server's </stream:stream>
  stream_->deliver("</stream:stream>");
  EXPECT_TRUE(stream_->closed());
  EXPECT_EQ(events_.closed, 1);
  EXPECT_EQ(events_.failed, 0);
}

TEST_F(ClientSessionTest, AnswersServerPingsAndRefusesOtherRequests) {
  auto session = makeSession();
  scramSucceeds(upToAuth(*session));
  bindAndReady(*session);
  stream_->deliver(
      "<iq type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"
      "<iq type='get' id='v1' from='localhost'><query xmlns='jabber:iq:version'/></iq>");
  clientSaid();
  xml::Element pong = out_.next();
  EXPECT_EQ(pong.attr("type"), "result");
  EXPECT_EQ(pong.attr("id"), "p1");
  xml::Element refusal = out_.next();
  EXPECT_EQ(refusal.attr("type"), "error");
  EXPECT_EQ(refusal.attr("id"), "v1");
  EXPECT_TRUE(session->ready());
}

TEST_F(ClientSessionTest, ReportsBouncedMessagesAsStanzaErrors) {
  auto session = makeSession();
  scramSucceeds(upToAuth(*session));
  bindAndReady(*session);
  stream_->deliver(
      "<message type='error' from='nobody@localhost'><body>0 0 1 </body>"
      "<error type='cancel'><service-unavailable "
      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  EXPECT_EQ(events_.errors, std::vector<std::string>{"message"});
  EXPECT_TRUE(events_.chats.empty());
}

TEST_F(ClientSessionTest, SecondLoginOfTheSameAccountSkipsPbkdf2) {
  auto first = makeSession(/*stopAfterAuth=*/true);
  scramSucceeds(upToAuth(*first));
  EXPECT_EQ(events_.authenticated, 1);
  clientSaid();
  EXPECT_EQ(out_.headers, 3);      // restarts the stream as SASL requires ...
  EXPECT_TRUE(out_.streamClosed);  // ... and closes it at once
  stream_->deliver(kServerHeader);
  stream_->deliver(kSaslFeatures);  // ignored while closing
  stream_->deliver("</stream:stream>");
  EXPECT_EQ(events_.closed, 1);
  EXPECT_EQ(events_.failed, 0);
  EXPECT_EQ(cache_.pbkdf2Runs(), 1U);

  out_.clear();
  auto second = makeSession();
  scramSucceeds(upToAuth(*second));
  bindAndReady(*second);
  EXPECT_EQ(cache_.pbkdf2Runs(), 1U);
  EXPECT_EQ(cache_.hits(), 1U);
}

TEST_F(ClientSessionTest, FailsWhenTheServerOffersNoStartTls) {
  auto session = makeSession();
  session->start();
  stream_->deliver(kServerHeader);
  stream_->deliver(
      "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
      "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.starttls");
  EXPECT_EQ(events_.closed, 1);
  EXPECT_TRUE(stream_->closed());
}

TEST_F(ClientSessionTest, FailsWhenTheMechanismIsNotOffered) {
  auto session = makeSession();
  session->start();
  stream_->deliver(kServerHeader);
  stream_->deliver(kStartTlsFeatures);
  stream_->deliver("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  stream_->establishTls();
  stream_->deliver(kServerHeader);
  stream_->deliver(
      "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
      "<mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>");
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.mechanism");
}

TEST_F(ClientSessionTest, WrongPasswordIsAnAuthFailure) {
  auto session = makeSession(false, "not-the-password");
  xml::Element auth = upToAuth(*session);
  xmpp::ScramServer server({});
  auto first = xmpp::decodeSaslPayload(auth.text());
  ASSERT_TRUE(first && first->has_value());
  auto serverFirst = server.handleClientFirst(
      **first, [this](std::string_view) { return std::optional(credentials_); });
  ASSERT_TRUE(serverFirst);
  stream_->deliver("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                   xmpp::encodeSaslPayload(*serverFirst) + "</challenge>");
  stream_->deliver(
      "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
      "<text>Invalid username or password</text></failure>");
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.auth");
  EXPECT_NE(events_.failure->message.find("not-authorized"), std::string::npos);
  EXPECT_EQ(cache_.pbkdf2Runs(), 0U);  // nothing learnt from a failed login
}

TEST_F(ClientSessionTest, AServerThatCannotProveThePasswordIsRefused) {
  auto session = makeSession();
  xml::Element auth = upToAuth(*session);
  xmpp::ScramServer server({});
  auto first = xmpp::decodeSaslPayload(auth.text());
  ASSERT_TRUE(first && first->has_value());
  auto serverFirst = server.handleClientFirst(
      **first, [this](std::string_view) { return std::optional(credentials_); });
  ASSERT_TRUE(serverFirst);
  stream_->deliver("<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                   xmpp::encodeSaslPayload(*serverFirst) + "</challenge>");
  // A forged server signature.
  stream_->deliver("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" +
                   xmpp::encodeSaslPayload("v=" + xmpp::base64Encode(std::string(32, 'x'))) +
                   "</success>");
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.auth");
  EXPECT_FALSE(session->ready());
}

TEST_F(ClientSessionTest, StreamErrorAfterLoginFailsTheSessionOnce) {
  auto session = makeSession();
  scramSucceeds(upToAuth(*session));
  bindAndReady(*session);
  stream_->deliver(
      "<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
      "</stream:error></stream:stream>");
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.stream-error");
  EXPECT_NE(events_.failure->message.find("policy-violation"), std::string::npos);
  EXPECT_EQ(events_.closed, 1);
}

TEST_F(ClientSessionTest, ConnectionLostWhileReadyIsAFailure) {
  auto session = makeSession();
  scramSucceeds(upToAuth(*session));
  bindAndReady(*session);
  stream_->peerCloses();
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.closed");
  EXPECT_EQ(events_.closed, 1);
  EXPECT_TRUE(session->closed());
}

TEST_F(ClientSessionTest, OversizedStanzaFromTheServerIsRefusedNotBuffered) {
  auto session = makeSession();
  session->start();
  stream_->deliver(kServerHeader);
  stream_->deliver("<message><body>");
  const std::string chunk(std::size_t{64} * 1024, 'a');
  for (int i = 0; i < 8 && events_.failed == 0; ++i) stream_->deliver(chunk);
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.bad-xml");
}

TEST_F(ClientSessionTest, ASilentServerHitsTheLoginTimeout) {
  loginTimeout = 20ms;
  auto session = makeSession();
  session->start();
  stream_->deliver(kServerHeader);  // and then nothing
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (events_.closed == 0 && std::chrono::steady_clock::now() < deadline) {
    loop_.poll();
    std::this_thread::sleep_for(1ms);
  }
  ASSERT_EQ(events_.failed, 1);
  EXPECT_EQ(events_.failure->code, "loadgen.login-timeout");
  EXPECT_TRUE(stream_->closed());
}

}  // namespace
}  // namespace keyfed::loadgen
