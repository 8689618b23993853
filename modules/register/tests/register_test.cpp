// XEP-0077 as clients see it: the stream feature, the form, account creation
// before authentication with its refusals, password change and removal after.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "keyfed/modules/register.hpp"
#include "keyfed/server/credentials.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/scram.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

namespace ns = xmpp::ns;
using namespace std::chrono_literals;

// A connected client that has not authenticated: what the c2s module hands to
// iq-preauth handlers.
class PreAuthSession final : public server::ClientSession {
 public:
  PreAuthSession(std::string domain, bool secure, std::string address = "192.0.2.7")
      : secure_(secure), address_(std::move(address)) {
    setStreamDomain(std::move(domain));
  }
  void closeWithError(xmpp::StreamErrorCondition, std::string_view) override { closed = true; }
  [[nodiscard]] std::string remoteAddress() const override { return address_; }
  [[nodiscard]] bool secure() const override { return secure_; }

  std::vector<xml::Element> received;
  bool closed = false;

 private:
  void write(const xml::Element& stanza) override { received.push_back(stanza); }
  bool secure_;
  std::string address_;
};

xml::Element registerIq(std::string_view type, std::string_view username = {},
                        std::string_view password = {}, std::string_view to = {}) {
  xml::Element iq("iq", std::string(ns::client));
  iq.setAttr("type", type);
  iq.setAttr("id", "reg1");
  if (!to.empty()) iq.setAttr("to", to);
  auto& query = iq.addChild("query", std::string(ns::registerIq));
  if (type == "set") {
    query.addChild("username", std::string(ns::registerIq)).addText(username);
    query.addChild("password", std::string(ns::registerIq)).addText(password);
  }
  return iq;
}

xml::Element removeIq(std::string_view to = {}) {
  xml::Element iq("iq", std::string(ns::client));
  iq.setAttr("type", "set");
  iq.setAttr("id", "rm1");
  if (!to.empty()) iq.setAttr("to", to);
  iq.addChild("query", std::string(ns::registerIq)).addChild("remove", std::string(ns::registerIq));
  return iq;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

class RegisterTest : public ::testing::Test {
 protected:
  explicit RegisterTest(
      std::string_view extraConfig = "[c2s]\nrequire_tls = false\nallow_registration = true\n")
      : t({"example.test"}, std::string(extraConfig) +
                                "[[virtual_host]]\ndomain = \"closed.test\"\ncertificate = \"\"\n"
                                "key = \"\"\nallow_registration = false\n") {}

  void SetUp() override {
    RegisterOptions options;
    options.accountsPerAddress = 3;
    options.window = 600s;
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeRegisterModule(options));
    ASSERT_TRUE(t.start(std::move(modules)));
  }

  // Sends an iq before authentication and returns the one answer.
  xml::Element preAuth(PreAuthSession& session, xml::Element iq) {
    server::StanzaEvent event{*t.server, iq, &session, {}, {}};
    const auto* payload = xmpp::iqPayload(iq);
    EXPECT_TRUE(t.server->hooks().stanzas.fire("iq-preauth/" + payload->ns(), event));
    EXPECT_EQ(session.received.size(), 1U);
    auto answer = session.received.empty() ? xml::Element() : session.received.back();
    session.received.clear();
    return answer;
  }

  bool offersRegistration(PreAuthSession& session, bool authenticated = false) {
    xml::Element features("features", std::string(ns::stream));
    server::FeaturesEvent event{*t.server, session, features, authenticated};
    t.server->hooks().features.fire("c2s-features", event);
    return features.child("register", ns::registerFeature) != nullptr;
  }

  bool passwordWorks(std::string_view user, std::string_view password) {
    auto stored = t.storage->accounts().credentials(user, "example.test");
    if (!stored) return false;
    auto scram = server::toScram(stored->sha256, xmpp::ScramHash::sha256);
    auto expected = xmpp::deriveScramCredentials(xmpp::ScramHash::sha256, password, scram.salt,
                                                 scram.iterations);
    return expected && expected->storedKey == scram.storedKey;
  }

  bool exists(std::string_view user, std::string_view host = "example.test") {
    auto e = t.storage->accounts().exists(user, host);
    return e && *e;
  }

  server::TestServer t;
};

TEST_F(RegisterTest, FeatureIsOfferedBeforeAuthenticationWhereRegistrationIsOpen) {
  PreAuthSession open("example.test", true);
  EXPECT_TRUE(offersRegistration(open));
  EXPECT_FALSE(offersRegistration(open, /*authenticated=*/true));
  PreAuthSession closed("closed.test", true);
  EXPECT_FALSE(offersRegistration(closed));
}

TEST_F(RegisterTest, FormAsksForUsernameAndPassword) {
  PreAuthSession session("example.test", true);
  auto form = preAuth(session, registerIq("get"));
  ASSERT_EQ(form.attr("type"), "result");
  const auto* query = form.child("query", ns::registerIq);
  ASSERT_NE(query, nullptr);
  EXPECT_NE(query->child("instructions", ns::registerIq), nullptr);
  EXPECT_NE(query->child("username", ns::registerIq), nullptr);
  EXPECT_NE(query->child("password", ns::registerIq), nullptr);
}

TEST_F(RegisterTest, NewAccountCanAuthenticateWithItsPassword) {
  PreAuthSession session("example.test", true);
  auto answer = preAuth(session, registerIq("set", "Newbie", "fresh-password"));
  EXPECT_EQ(answer.attr("type"), "result") << errorCondition(answer);
  EXPECT_EQ(answer.attr("id"), "reg1");
  EXPECT_TRUE(exists("newbie"));  // nodeprep: stored lowercased
  EXPECT_TRUE(passwordWorks("newbie", "fresh-password"));
  EXPECT_FALSE(passwordWorks("newbie", "other"));
  auto stored = t.storage->accounts().credentials("newbie", "example.test");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sha1.iterations, server::kDefaultScramIterations);
  EXPECT_EQ(stored->sha1.storedKey.size(), 20U);
}

TEST_F(RegisterTest, TakenNameIsAConflictAndKeepsTheOldPassword) {
  PreAuthSession session("example.test", true);
  ASSERT_EQ(preAuth(session, registerIq("set", "romeo", "first")).attr("type"), "result");
  auto again = preAuth(session, registerIq("set", "ROMEO", "second"));
  EXPECT_EQ(errorCondition(again), "conflict");
  EXPECT_TRUE(passwordWorks("romeo", "first"));
}

TEST_F(RegisterTest, InvalidUsernamesAndPasswordsAreNotAcceptable) {
  PreAuthSession session("example.test", true);
  for (const std::string& bad :
       std::vector<std::string>{"two words", "at@sign", "", "slash/y", std::string(1100, 'a')}) {
    auto answer = preAuth(session, registerIq("set", bad, "password"));
    EXPECT_EQ(errorCondition(answer), "not-acceptable") << bad;
  }
  EXPECT_EQ(errorCondition(preAuth(session, registerIq("set", "juliet", ""))), "not-acceptable");
  EXPECT_EQ(errorCondition(preAuth(session, registerIq("set", "juliet", std::string(2000, 'p')))),
            "not-acceptable");
  EXPECT_FALSE(exists("juliet"));
  auto count = t.storage->accounts().count("example.test");
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 0U);
}

TEST_F(RegisterTest, ClosedHostRefusesAsIfRegistrationDidNotExist) {
  PreAuthSession session("closed.test", true);
  EXPECT_EQ(errorCondition(preAuth(session, registerIq("get"))), "service-unavailable");
  auto answer = preAuth(session, registerIq("set", "sneaky", "pw"));
  EXPECT_EQ(errorCondition(answer), "service-unavailable");
  EXPECT_FALSE(exists("sneaky", "closed.test"));
}

TEST_F(RegisterTest, RemoveBeforeAuthenticationIsNotAllowed) {
  PreAuthSession session("example.test", true);
  EXPECT_EQ(errorCondition(preAuth(session, removeIq())), "not-allowed");
}

TEST_F(RegisterTest, AccountsPerAddressAreLimitedWithinTheWindow) {
  PreAuthSession first("example.test", true, "192.0.2.1");
  for (int i = 0; i < 3; ++i) {
    auto answer = preAuth(first, registerIq("set", "user" + std::to_string(i), "pw"));
    ASSERT_EQ(answer.attr("type"), "result");
  }
  auto refused = preAuth(first, registerIq("set", "user3", "pw"));
  EXPECT_EQ(errorCondition(refused), "policy-violation");
  EXPECT_EQ(refused.child("error", ns::client)->attr("type"), "wait");
  EXPECT_FALSE(exists("user3"));

  PreAuthSession other("example.test", true, "192.0.2.2");
  EXPECT_EQ(preAuth(other, registerIq("set", "user3", "pw")).attr("type"), "result");
  t.clock.advance(600s);
  EXPECT_EQ(preAuth(first, registerIq("set", "user4", "pw")).attr("type"), "result");
}

TEST_F(RegisterTest, PasswordChangeNeedsNothingButTheNewPassword) {
  t.addUser("alice", "example.test", "old");
  auto alice = t.connect("alice", "example.test", "a");
  auto other = t.connect("alice", "example.test", "b");
  for (std::string_view to : {"", "example.test"}) {
    alice->sendToServer(registerIq("set", "alice", std::string("new-") + std::string(to), to));
    auto got = alice->take();
    ASSERT_EQ(got.size(), 1U);
    EXPECT_EQ(got[0].attr("type"), "result") << errorCondition(got[0]);
  }
  EXPECT_TRUE(passwordWorks("alice", "new-example.test"));
  EXPECT_FALSE(other->closedWith.has_value());

  alice->sendToServer(registerIq("set", "bob", "hijack"));
  EXPECT_EQ(errorCondition(alice->take().at(0)), "not-allowed");
  alice->sendToServer(registerIq("set", "alice", ""));
  EXPECT_EQ(errorCondition(alice->take().at(0)), "not-acceptable");
  EXPECT_TRUE(passwordWorks("alice", "new-example.test"));
}

TEST_F(RegisterTest, RegisteredAccountAnswersWithItsUsername) {
  t.addUser("alice", "example.test");
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(registerIq("get", {}, {}, "example.test"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  const auto* query = got[0].child("query", ns::registerIq);
  ASSERT_NE(query, nullptr);
  EXPECT_NE(query->child("registered", ns::registerIq), nullptr);
  EXPECT_EQ(query->childText("username", ns::registerIq), "alice");
}

TEST_F(RegisterTest, RemovalDeletesTheAccountAndEndsEverySession) {
  t.addUser("alice", "example.test");
  t.addUser("bob", "example.test");
  ASSERT_TRUE(t.storage->vcards().set("alice", "example.test", "<vCard xmlns='vcard-temp'/>"));
  auto alice = t.connect("alice", "example.test", "a");
  auto other = t.connect("alice", "example.test", "b");
  auto bob = t.connect("bob", "example.test", "b");
  int removedEvents = 0;
  t.server->hooks().sessions.hook("account-removed", [&](server::SessionEvent& e) {
    EXPECT_EQ(e.session.user(), "alice");
    ++removedEvents;
    return false;
  });

  alice->sendToServer(removeIq("example.test"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "result");
  EXPECT_EQ(got[0].attr("id"), "rm1");
  EXPECT_EQ(alice->closedWith, xmpp::StreamErrorCondition::notAuthorized);
  EXPECT_EQ(other->closedWith, xmpp::StreamErrorCondition::notAuthorized);
  EXPECT_FALSE(bob->closedWith.has_value());
  EXPECT_EQ(removedEvents, 1);
  EXPECT_FALSE(exists("alice"));
  EXPECT_TRUE(exists("bob"));
  EXPECT_FALSE(t.storage->vcards().get("alice", "example.test"));  // everything went with it
}

TEST_F(RegisterTest, RequestsToAnotherHostAreNotOurs) {
  t.addUser("alice", "example.test", "old");
  auto alice = t.connect("alice", "example.test", "a");
  alice->sendToServer(registerIq("set", "alice", "new", "closed.test"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(errorCondition(got[0]), "service-unavailable");
  EXPECT_TRUE(passwordWorks("alice", "old"));
}

TEST_F(RegisterTest, ServerAdvertisesTheNamespace) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), std::string(ns::registerIq)),
            features.end());
}

// With require_tls, nothing happens over a plain connection. (The config
// refuses require_tls without certificates, which TestServer does not make;
// the server reads its config by reference, so the test flips the switch.)
class RegisterRequiringTlsTest : public RegisterTest {
 protected:
  void SetUp() override {
    RegisterTest::SetUp();
    t.config.c2s.requireTls = true;
  }
};

TEST_F(RegisterRequiringTlsTest, PlainConnectionsNeitherSeeNorUseRegistration) {
  PreAuthSession plain("example.test", false);
  EXPECT_FALSE(offersRegistration(plain));
  EXPECT_EQ(errorCondition(preAuth(plain, registerIq("set", "sniffed", "pw"))), "not-allowed");
  EXPECT_FALSE(exists("sniffed"));
  PreAuthSession tls("example.test", true);
  EXPECT_TRUE(offersRegistration(tls));
}

}  // namespace
}  // namespace keyfed::modules
