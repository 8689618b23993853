// XEP-0352 against a TestServer: an inactive session waits for presence and
// chat states, gets messages at once (after what it was holding), and gets
// everything on <active/>.
#include <gtest/gtest.h>

#include "keyfed/modules/csi.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "treatment.hpp"

namespace keyfed::modules {
namespace {

using csi::kCsiNs;
using server::TestClientSession;

xml::Element presenceFrom(std::string_view from, std::string_view to, std::string_view show) {
  xml::Element p("presence", std::string(xmpp::ns::client));
  p.setAttr("from", from);
  p.setAttr("to", to);
  if (!show.empty()) p.addChild("show", std::string(xmpp::ns::client)).addText(show);
  return p;
}

class CsiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeCsiModule());
    ASSERT_TRUE(ts.start(std::move(modules)));
    ts.addUser("juliet", "example.test");
    ts.addUser("romeo", "example.test");
    juliet = ts.connect("juliet", "example.test", "phone");
    juliet->presence.available = true;
    romeo = ts.connect("romeo", "example.test", "balcony");
  }

  void state(std::string_view name) {
    EXPECT_TRUE(juliet->sendNonza(xml::Element(std::string(name), std::string(kCsiNs))));
  }
  // A presence update from romeo's resource, as the presence module routes it.
  void romeoPresence(std::string_view show, std::string_view resource = "balcony") {
    ts.server->route(presenceFrom("romeo@example.test/" + std::string(resource),
                                  "juliet@example.test/phone", show));
  }
  std::vector<std::string> received() {
    const auto stanzas = juliet->take();
    std::vector<std::string> out;
    out.reserve(stanzas.size());
    for (const auto& s : stanzas) {
      out.push_back(s.name() + ":" + s.childText("show", xmpp::ns::client) +
                    s.childText("body", xmpp::ns::client));
    }
    return out;
  }

  server::TestServer ts;
  std::unique_ptr<TestClientSession> juliet, romeo;
};

TEST_F(CsiTest, ActiveSessionGetsPresenceAtOnce) {
  romeoPresence("away");
  EXPECT_EQ(received(), std::vector<std::string>{"presence:away"});
}

TEST_F(CsiTest, InactiveSessionWaitsForPresenceUntilActive) {
  state("inactive");
  romeoPresence("away");
  romeoPresence("dnd");
  romeoPresence("xa", "garden");
  EXPECT_TRUE(received().empty());
  state("active");
  EXPECT_EQ(received(), (std::vector<std::string>{"presence:dnd", "presence:xa"}));
  romeoPresence("chat");
  EXPECT_EQ(received(), std::vector<std::string>{"presence:chat"});
}

TEST_F(CsiTest, MessageWithABodyComesAtOnceAfterTheHeldPresence) {
  state("inactive");
  romeoPresence("away");
  romeo->sendToServer(server::makeMessage("juliet@example.test/phone", "wake up"));
  EXPECT_EQ(received(), (std::vector<std::string>{"presence:away", "message:wake up"}));
}

TEST_F(CsiTest, ChatStatesAreHeldAndCoalesced) {
  state("inactive");
  for (const char* s : {"composing", "paused", "active"}) {
    xml::Element m("message", std::string(xmpp::ns::client));
    m.setAttr("to", "juliet@example.test/phone");
    m.setAttr("type", "chat");
    m.addChild(s, "http://jabber.org/protocol/chatstates");
    romeo->sendToServer(m);
  }
  EXPECT_TRUE(received().empty());
  state("active");
  auto got = juliet->take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].child("active", "http://jabber.org/protocol/chatstates"), nullptr);
}

TEST_F(CsiTest, AFullQueueIsFlushedNotGrown) {
  state("inactive");
  for (int i = 0; i < 300; ++i) romeoPresence("away", "r" + std::to_string(i));
  // 256 held, then the 257th forces the queue out with itself.
  EXPECT_EQ(juliet->take().size(), 257u);
}

TEST_F(CsiTest, AdvertisedAsAStreamFeatureAfterAuthentication) {
  xml::Element features("features", std::string(xmpp::ns::stream));
  server::FeaturesEvent event{*ts.server, *juliet, features, true};
  ts.server->hooks().features.fire("c2s-features", event);
  EXPECT_NE(features.child("csi", kCsiNs), nullptr);
}

TEST_F(CsiTest, UnknownElementInTheNamespaceIsRefused) {
  EXPECT_FALSE(juliet->sendNonza(xml::Element("sleepy", std::string(kCsiNs))));
}

}  // namespace
}  // namespace keyfed::modules
