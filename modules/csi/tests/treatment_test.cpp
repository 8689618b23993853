// Which stanzas an inactive client gets at once (XEP-0352 section 6 leaves
// the choice to the server; docs/csi.md states ours).
#include "treatment.hpp"

#include <gtest/gtest.h>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::csi {
namespace {

constexpr std::string_view kStates = "http://jabber.org/protocol/chatstates";

xml::Element stanza(std::string_view name, std::string_view type = {}) {
  xml::Element s{std::string(name), std::string(xmpp::ns::client)};
  if (!type.empty()) s.setAttr("type", type);
  return s;
}

TEST(CsiTreatment, AvailabilityPresenceWaitsSubscriptionsDoNot) {
  EXPECT_EQ(classify(stanza("presence")), Treatment::presence);
  EXPECT_EQ(classify(stanza("presence", "unavailable")), Treatment::presence);
  EXPECT_EQ(classify(stanza("presence", "subscribe")), Treatment::urgent);
  EXPECT_EQ(classify(stanza("presence", "error")), Treatment::urgent);
}

TEST(CsiTreatment, ChatStateAloneWaitsABodyDoesNot) {
  auto state = stanza("message", "chat");
  state.addChild("composing", std::string(kStates));
  EXPECT_EQ(classify(state), Treatment::chatState);
  auto withBody = state;
  withBody.addChild("body", std::string(xmpp::ns::client)).addText("hi");
  EXPECT_EQ(classify(withBody), Treatment::urgent);
  auto encrypted = state;
  encrypted.addChild("encrypted", "eu.siacs.conversations.axolotl");
  EXPECT_EQ(classify(encrypted), Treatment::urgent);
  EXPECT_EQ(classify(stanza("message", "chat")), Treatment::urgent);  // nothing to coalesce
}

TEST(CsiTreatment, CarbonsAreJudgedByWhatTheyCarry) {
  auto carbon = stanza("message", "chat");
  auto& inner = carbon.addChild("received", "urn:xmpp:carbons:2")
                    .addChild("forwarded", "urn:xmpp:forward:0")
                    .addChild("message", std::string(xmpp::ns::client));
  inner.addChild("active", std::string(kStates));
  EXPECT_EQ(classify(carbon), Treatment::chatState);
  inner.addChild("body", std::string(xmpp::ns::client)).addText("hi");
  EXPECT_EQ(classify(carbon), Treatment::urgent);
}

TEST(CsiTreatment, IqsAreUrgent) {
  EXPECT_EQ(classify(stanza("iq", "get")), Treatment::urgent);
}

}  // namespace
}  // namespace keyfed::modules::csi
