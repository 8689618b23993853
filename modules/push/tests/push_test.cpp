// XEP-0357 against a TestServer with the offline and stream management
// modules: registrations over iq, notifications to an app server that is
// another client session, no notification while the account is online,
// coalescing, and registrations an app server's error disables.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "enable_request.hpp"
#include "keyfed/modules/offline.hpp"
#include "keyfed/modules/push.hpp"
#include "keyfed/modules/push_config.hpp"
#include "keyfed/modules/sm.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "summary_fields.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;
using push::kPushNs;
using push::testing::summaryFields;
using server::TestClientSession;

constexpr std::string_view kHost = "example.test";
constexpr std::string_view kApp = "app@example.test/push";
constexpr std::string_view kBob = "bob@example.test";

xml::Element iqSet(std::string_view payload) {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set");
  iq.setAttr("id", "r1");
  auto element = xml::parseStoredElement(payload, 1 << 16, kPushNs);
  EXPECT_TRUE(element.has_value()) << payload;
  if (element) iq.addChild(std::move(*element));
  return iq;
}

std::string errorCondition(const xml::Element& stanza) {
  auto error = xmpp::parseStanzaError(stanza);
  return error ? std::string(xmpp::conditionName(error->condition)) : std::string();
}

// The iq sets among what the app server's session received.
std::vector<xml::Element> notifications(TestClientSession& app) {
  std::vector<xml::Element> out;
  for (auto& stanza : app.take()) {
    if (stanza.name() == "iq" && stanza.attr("type") == "set") out.push_back(std::move(stanza));
  }
  return out;
}

class PushTest : public ::testing::Test {
 protected:
  void start(PushConfig config = {}) {
    t.config.sections["push"] = config;
    for (const char* user : {"alice", "bob", "app"}) t.addUser(user, kHost);
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeOfflineModule());
    modules.push_back(makeSmModule());
    modules.push_back(makePushModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", kHost, "a");
    app = t.connect("app", kHost, "push");
    for (auto* s : {alice.get(), app.get()}) s->presence.available = true;
  }

  // Sends `payload` as bob (connected for it, then gone) and returns the answer.
  xml::Element request(std::string_view payload) {
    auto bob = t.connect("bob", kHost, "phone");
    bob->sendToServer(iqSet(payload));
    auto answers = bob->take();
    EXPECT_EQ(answers.size(), 1U);
    return answers.empty() ? xml::Element() : answers.front();
  }

  void enable(std::string_view node = "n1") {
    auto reply =
        request("<enable jid='" + std::string(kApp) + "' node='" + std::string(node) + "'/>");
    ASSERT_EQ(reply.attr("type"), "result") << errorCondition(reply);
  }

  void aliceWrites(std::string_view body) { alice->sendToServer(server::makeMessage(kBob, body)); }

  std::vector<storage::PushRegistration> registrations() {
    auto list = t.storage->push().list("bob", kHost);
    return list ? *list : std::vector<storage::PushRegistration>{};
  }

  void answer(const xml::Element& notification, std::string_view errorXml = {}) {
    xml::Element reply("iq", std::string(xmpp::ns::client));
    reply.setAttr("to", notification.attr("from"));
    reply.setAttr("id", notification.attr("id"));
    reply.setAttr("type", errorXml.empty() ? "result" : "error");
    if (!errorXml.empty()) {
      auto error = xml::parseStoredElement(errorXml, 4096);
      ASSERT_TRUE(error.has_value());
      reply.addChild(std::move(*error));
    }
    app->sendToServer(std::move(reply));
  }

  server::TestServer t;
  std::unique_ptr<TestClientSession> alice;
  std::unique_ptr<TestClientSession> app;
};

TEST_F(PushTest, EnableIsAdvertisedStoredAndDisabledByJidOrNode) {
  start();
  const auto& features = t.server->disco().accountFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), kPushNs), features.end());
  enable("n1");
  enable("n2");
  enable("n2");  // again: replaces, does not add
  EXPECT_EQ(registrations().size(), 2U);
  auto one = request("<disable jid='" + std::string(kApp) + "' node='n1'/>");
  EXPECT_EQ(one.attr("type"), "result");
  ASSERT_EQ(registrations().size(), 1U);
  EXPECT_EQ(registrations().front().node, "n2");
  enable("n3");
  auto all = request("<disable jid='" + std::string(kApp) + "'/>");
  EXPECT_EQ(all.attr("type"), "result");
  EXPECT_TRUE(registrations().empty());
}

TEST_F(PushTest, BadRequestsAndTheLimitAreRefusedWithTheirErrors) {
  PushConfig config;
  config.maxRegistrations = 1;
  start(config);
  EXPECT_EQ(errorCondition(request("<enable jid='push.example.net'/>")), "bad-request");
  EXPECT_EQ(errorCondition(request("<enable jid='a@@b' node='n'/>")), "jid-malformed");
  EXPECT_EQ(errorCondition(request("<disable/>")), "bad-request");
  EXPECT_EQ(errorCondition(request("<other jid='push.example.net'/>")), "bad-request");
  enable("n1");
  EXPECT_EQ(errorCondition(request("<enable jid='push.example.net' node='n2'/>")), "not-allowed");
  EXPECT_EQ(registrations().size(), 1U);
}

TEST_F(PushTest, AMessageStoredOfflineNotifiesTheAppServer) {
  start();
  auto enabled =
      request("<enable jid='" + std::string(kApp) +
              "' node='yxs32'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
              "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
              "<field var='secret'><value>s3cr3t</value></field></x></enable>");
  ASSERT_EQ(enabled.attr("type"), "result");
  aliceWrites("Wherefore art thou?");
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 1U);
  const auto& iq = sent.front();
  EXPECT_EQ(iq.attr("from"), kBob);
  EXPECT_EQ(iq.attr("to"), kApp);
  EXPECT_EQ(iq.child("pubsub", xmpp::ns::pubsub)->child("publish", xmpp::ns::pubsub)->attr("node"),
            "yxs32");
  auto fields = summaryFields(iq);
  EXPECT_EQ(fields["message-count"], "1");
  EXPECT_EQ(fields.count("last-message-body"), 0U);  // private by default
  EXPECT_EQ(fields.count("last-message-sender"), 0U);
  const auto* options =
      iq.child("pubsub", xmpp::ns::pubsub)->child("publish-options", xmpp::ns::pubsub);
  ASSERT_NE(options, nullptr);
  EXPECT_NE(options->child("x", xmpp::ns::dataForms), nullptr);
  // The message itself is in offline storage, as without push.
  EXPECT_EQ(*t.storage->offline().count("bob", kHost), 1U);
}

TEST_F(PushTest, SenderAndBodyWhenConfigured) {
  PushConfig config;
  config.includeBody = true;
  config.includeSender = true;
  start(config);
  enable();
  aliceWrites("Wherefore art thou?");
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 1U);
  auto fields = summaryFields(sent.front());
  EXPECT_EQ(fields["last-message-body"], "Wherefore art thou?");
  EXPECT_EQ(fields["last-message-sender"], "alice@example.test/a");
}

TEST_F(PushTest, NoNotificationWhileOnlineOrForWhatIsNotWorthIt) {
  start();
  enable();
  auto bob = t.connect("bob", kHost, "desk");
  bob->presence.available = true;
  aliceWrites("live");
  EXPECT_EQ(bob->take().size(), 1U);
  EXPECT_TRUE(notifications(*app).empty());
  bob.reset();
  // Offline, but a chat state alone: not stored, no notification.
  xml::Element typing("message", std::string(xmpp::ns::client));
  typing.setAttr("to", kBob);
  typing.setAttr("type", "chat");
  typing.addChild("composing", "http://jabber.org/protocol/chatstates");
  alice->sendToServer(std::move(typing));
  EXPECT_TRUE(notifications(*app).empty());
  // Without registrations, nothing either.
  request("<disable jid='" + std::string(kApp) + "'/>");
  aliceWrites("stored, nobody woken");
  EXPECT_TRUE(notifications(*app).empty());
}

TEST_F(PushTest, ABurstIsCoalescedWithinTheInterval) {
  PushConfig config;
  config.minInterval = 60s;
  start(config);
  enable("n1");
  enable("n2");
  for (int i = 0; i < 20; ++i) aliceWrites("m" + std::to_string(i));
  // One each for the two registrations; the rest wait for the interval's end.
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 2U);
  for (const auto& iq : sent) EXPECT_EQ(summaryFields(iq)["message-count"], "1");
  // After the interval (fake clock) the next message goes at once.
  t.clock.advance(61s);
  aliceWrites("later");
  EXPECT_EQ(notifications(*app).size(), 2U);
}

TEST_F(PushTest, AnErrorSayingTheNodeIsGoneDisablesTheRegistration) {
  start();
  enable("n1");
  enable("n2");
  aliceWrites("one");
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 2U);
  // A temporary error keeps the registration; item-not-found removes it.
  answer(sent[0],
         "<error type='wait'><resource-constraint "
         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
  EXPECT_EQ(registrations().size(), 2U);
  answer(sent[1],
         "<error type='cancel'><item-not-found "
         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
  auto left = registrations();
  ASSERT_EQ(left.size(), 1U);
  const auto removedNode =
      sent[1].child("pubsub", xmpp::ns::pubsub)->child("publish", xmpp::ns::pubsub)->attr("node");
  EXPECT_NE(left.front().node, removedNode);
  t.clock.advance(6s);  // past the interval of the registration that stays
  aliceWrites("two");
  EXPECT_EQ(notifications(*app).size(), 1U);
}

TEST_F(PushTest, AnUnreachableLocalAppServerKeepsTheRegistration) {
  start();
  enable();
  app.reset();  // the router answers service-unavailable (type cancel) for the app server
  aliceWrites("one");
  EXPECT_EQ(registrations().size(), 1U);
}

TEST_F(PushTest, OnlyTheAppServerCanAnswerForItself) {
  start();
  enable();
  aliceWrites("one");
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 1U);
  // alice forges the app server's error: bob gets it like any iq, the registration stays.
  xml::Element forged("iq", std::string(xmpp::ns::client));
  forged.setAttr("to", kBob);
  forged.setAttr("id", sent[0].attr("id"));
  forged.setAttr("type", "error");
  forged.addChild("error", std::string(xmpp::ns::client))
      .setAttr("type", "auth")
      .addChild("not-authorized", std::string(xmpp::ns::stanzas));
  alice->sendToServer(std::move(forged));
  EXPECT_EQ(registrations().size(), 1U);
  answer(sent[0],
         "<error type='auth'><not-authorized "
         "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>");
  EXPECT_TRUE(registrations().empty());
}

TEST_F(PushTest, ASessionAwaitingResumptionIsWoken) {
  start();
  enable();
  auto bob = t.connect("bob", kHost, "phone");
  bob->presence.available = true;
  ASSERT_TRUE(bob->sendNonza(xml::Element("enable", "urn:xmpp:sm:3").setAttr("resume", "true")));
  bob->take();
  aliceWrites("while connected");
  EXPECT_TRUE(notifications(*app).empty());
  ASSERT_TRUE(bob->keptAfterConnectionLoss());
  aliceWrites("while the connection is lost");
  auto sent = notifications(*app);
  ASSERT_EQ(sent.size(), 1U);
  EXPECT_EQ(summaryFields(sent.front())["message-count"], "1");
}

}  // namespace
}  // namespace keyfed::modules
