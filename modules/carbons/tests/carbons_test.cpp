// XEP-0280 against a TestServer: enabling, received and sent carbons, and
// who does not get them.
#include <gtest/gtest.h>

#include <algorithm>

#include "eligibility.hpp"
#include "keyfed/modules/carbons.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using carbons::kCarbonsNs;
using carbons::kForwardNs;
using server::TestClientSession;

xml::Element carbonsIq(std::string_view what) {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "set");
  iq.setAttr("id", "c1");
  iq.addChild(std::string(what), std::string(kCarbonsNs));
  return iq;
}

// The body of the message a carbon wraps, with its direction, or "".
std::string carbonBody(const xml::Element& stanza, std::string_view direction) {
  const auto* wrapper = stanza.child(direction, kCarbonsNs);
  if (wrapper == nullptr) return {};
  const auto* forwarded = wrapper->child("forwarded", kForwardNs);
  const auto* inner = forwarded ? forwarded->child("message", xmpp::ns::client) : nullptr;
  return inner ? inner->childText("body", xmpp::ns::client) : std::string();
}

class CarbonsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeCarbonsModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    ts.addUser("juliet", "example.test");
    ts.addUser("romeo", "example.test");
    phone = online("juliet", "phone", 1);
    laptop = online("juliet", "laptop", 0);
    romeo = online("romeo", "balcony", 0);
  }

  std::unique_ptr<TestClientSession> online(std::string_view user, std::string_view resource,
                                            int priority) {
    auto s = ts.connect(user, "example.test", resource);
    s->presence.available = true;  // what the presence module records
    s->presence.priority = priority;
    return s;
  }

  void enable(TestClientSession& s) {
    s.sendToServer(carbonsIq("enable"));
    auto replies = s.take();
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_EQ(xmpp::stanzaType(replies[0]), "result");
  }

  server::TestServer ts;
  std::unique_ptr<TestClientSession> phone, laptop, romeo;
};

TEST_F(CarbonsTest, AdvertisedInDisco) {
  const auto& features = ts.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), kCarbonsNs), features.end());
}

TEST_F(CarbonsTest, NoCopiesUntilEnabled) {
  romeo->sendToServer(server::makeMessage("juliet@example.test", "hello"));
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_TRUE(laptop->take().empty());
}

TEST_F(CarbonsTest, ReceivedCarbonGoesToTheOtherEnabledResource) {
  enable(*laptop);
  romeo->sendToServer(server::makeMessage("juliet@example.test", "hello"));
  auto atPhone = phone->take();
  ASSERT_EQ(atPhone.size(), 1u);
  EXPECT_EQ(atPhone[0].childText("body", xmpp::ns::client), "hello");
  auto atLaptop = laptop->take();
  ASSERT_EQ(atLaptop.size(), 1u);
  EXPECT_EQ(carbonBody(atLaptop[0], "received"), "hello");
  EXPECT_EQ(atLaptop[0].attr("from"), "juliet@example.test");
}

TEST_F(CarbonsTest, MessageToAFullJidIsCopiedToTheOthers) {
  enable(*phone);
  enable(*laptop);
  romeo->sendToServer(server::makeMessage("juliet@example.test/laptop", "direct"));
  auto atLaptop = laptop->take();
  ASSERT_EQ(atLaptop.size(), 1u);
  EXPECT_EQ(atLaptop[0].childText("body", xmpp::ns::client), "direct");
  auto atPhone = phone->take();
  ASSERT_EQ(atPhone.size(), 1u);
  EXPECT_EQ(carbonBody(atPhone[0], "received"), "direct");
}

TEST_F(CarbonsTest, SentCarbonGoesToTheSendersOtherResources) {
  enable(*laptop);
  phone->sendToServer(server::makeMessage("romeo@example.test", "from my phone"));
  auto atLaptop = laptop->take();
  ASSERT_EQ(atLaptop.size(), 1u);
  EXPECT_EQ(carbonBody(atLaptop[0], "sent"), "from my phone");
  EXPECT_TRUE(phone->take().empty());  // never to the sender itself
  EXPECT_EQ(romeo->take().size(), 1u);
}

TEST_F(CarbonsTest, PrivateAndNoCopyMessagesAreNotCopied) {
  enable(*laptop);
  auto priv = server::makeMessage("juliet@example.test", "secret");
  priv.addChild("private", std::string(kCarbonsNs));
  romeo->sendToServer(priv);
  auto noCopy = server::makeMessage("romeo@example.test", "mine only");
  noCopy.addChild("no-copy", "urn:xmpp:hints");
  phone->sendToServer(noCopy);
  EXPECT_TRUE(laptop->take().empty());
  EXPECT_EQ(phone->take().size(), 1u);  // the private message itself arrived
}

TEST_F(CarbonsTest, DisableStopsCopies) {
  enable(*laptop);
  laptop->sendToServer(carbonsIq("disable"));
  EXPECT_EQ(xmpp::stanzaType(laptop->take().at(0)), "result");
  romeo->sendToServer(server::makeMessage("juliet@example.test", "hello"));
  EXPECT_TRUE(laptop->take().empty());
}

TEST_F(CarbonsTest, HeadlineAndGroupchatAreNotCopied) {
  enable(*laptop);
  auto headline = server::makeMessage("juliet@example.test/phone", "news");
  headline.setAttr("type", "headline");
  romeo->sendToServer(headline);
  EXPECT_EQ(phone->take().size(), 1u);
  EXPECT_TRUE(laptop->take().empty());
}

TEST_F(CarbonsTest, OfflineRecipientGetsNoCarbons) {
  enable(*laptop);
  phone.reset();
  laptop->presence.priority = -1;  // no resource a message to the bare JID goes to
  romeo->sendToServer(server::makeMessage("juliet@example.test", "later"));
  EXPECT_TRUE(laptop->take().empty());
}

TEST_F(CarbonsTest, UnknownPayloadIsABadRequest) {
  laptop->sendToServer(carbonsIq("toggle"));
  auto replies = laptop->take();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(xmpp::stanzaType(replies[0]), "error");
}

}  // namespace
}  // namespace keyfed::modules
