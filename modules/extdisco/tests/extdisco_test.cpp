// XEP-0215 against a TestServer: the service list, filtering by type,
// credentials a TURN server with the same secret accepts, and who may ask.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "keyfed/config/minimal_config.hpp"
#include "keyfed/modules/extdisco.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "turn_credentials.hpp"

namespace keyfed::modules {
namespace {

constexpr std::string_view kNs = "urn:xmpp:extdisco:2";

xml::Element request(std::string_view payload, std::string_view type = {},
                     std::string_view host = {}) {
  xml::Element iq("iq", std::string(xmpp::ns::client));
  iq.setAttr("type", "get");
  iq.setAttr("id", "x1");
  iq.setAttr("to", "example.test");
  auto& p = iq.addChild(std::string(payload), std::string(kNs));
  if (payload == "services" && !type.empty()) p.setAttr("type", type);
  if (payload == "credentials") {
    auto& s = p.addChild("service", std::string(kNs));
    s.setAttr("host", host);
    if (!type.empty()) s.setAttr("type", type);
  }
  return iq;
}

// What a TURN server configured with `secret` (coturn use-auth-secret) computes.
std::string expectedPassword(std::string_view secret, std::string_view username) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &length);
  return xmpp::base64Encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

class ExternalServicesTest : public ::testing::Test {
 protected:
  void start(ExternalServicesConfig config) {
    t.addUser("alice", "example.test");
    t.addUser("carol", "other.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeExternalServicesModule(std::move(config)));
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
  }
  xml::Element ask(xml::Element iq) {
    alice->sendToServer(std::move(iq));
    auto got = alice->take();
    EXPECT_EQ(got.size(), 1U);
    return got.empty() ? xml::Element() : got[0];
  }
  static ExternalServicesConfig twoServices() {
    ExternalServicesConfig c;
    c.credentialTtl = std::chrono::seconds{3600};
    c.services.push_back({"stun", "stun.example.test", 3478, "udp", "", "", ""});
    c.services.push_back({"turn", "turn.example.test", 3478, "udp", "s3cret", "", ""});
    c.services.push_back({"turns", "relay.example.test", 5349, "tcp", "", "static", "pw"});
    return c;
  }

  server::TestServer t{{"example.test", "other.test"}};
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(ExternalServicesTest, ListsEveryServiceWithFreshTurnCredentials) {
  start(twoServices());
  auto reply = ask(request("services"));
  ASSERT_EQ(reply.attr("type"), "result");
  const xml::Element* services = reply.child("services", kNs);
  ASSERT_NE(services, nullptr);
  std::vector<const xml::Element*> list;
  for (const auto& s : services->children("service", kNs)) list.push_back(&s);
  ASSERT_EQ(list.size(), 3U);
  EXPECT_EQ(list[0]->attr("type"), "stun");
  EXPECT_FALSE(list[0]->hasAttr("username"));
  EXPECT_FALSE(list[0]->hasAttr("restricted"));

  const xml::Element& turn = *list[1];
  EXPECT_EQ(turn.attr("host"), "turn.example.test");
  EXPECT_EQ(turn.attr("port"), "3478");
  EXPECT_EQ(turn.attr("transport"), "udp");
  EXPECT_EQ(turn.attr("restricted"), "1");
  // 1,700,000,000 (the fake clock) + 3600 s.
  EXPECT_EQ(turn.attr("username"), "1700003600:alice@example.test");
  EXPECT_EQ(turn.attr("password"), expectedPassword("s3cret", turn.attr("username")));
  EXPECT_EQ(turn.attr("expires"), "2023-11-14T23:13:20Z");

  EXPECT_EQ(list[2]->attr("username"), "static");
  EXPECT_EQ(list[2]->attr("password"), "pw");
  EXPECT_FALSE(list[2]->hasAttr("expires"));
}

TEST_F(ExternalServicesTest, ATypeNarrowsTheList) {
  start(twoServices());
  auto reply = ask(request("services", "turn"));
  const xml::Element* services = reply.child("services", kNs);
  ASSERT_NE(services, nullptr);
  EXPECT_EQ(services->attr("type"), "turn");
  ASSERT_EQ(services->childCount(), 1U);
  EXPECT_EQ(services->child("service", kNs)->attr("host"), "turn.example.test");
}

TEST_F(ExternalServicesTest, CredentialsForOneServiceOrItemNotFound) {
  start(twoServices());
  auto reply = ask(request("credentials", "turn", "turn.example.test"));
  const xml::Element* credentials = reply.child("credentials", kNs);
  ASSERT_NE(credentials, nullptr) << reply.attr("type");
  const xml::Element* service = credentials->child("service", kNs);
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(service->attr("password"), expectedPassword("s3cret", service->attr("username")));

  auto unknown = ask(request("credentials", "turn", "elsewhere.test"));
  auto error = xmpp::parseStanzaError(unknown);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->condition, xmpp::StanzaErrorCondition::itemNotFound);
}

TEST_F(ExternalServicesTest, OnlyTheHostsOwnUsersAreAnswered) {
  start(twoServices());
  auto carol = t.connect("carol", "other.test", "c");
  carol->sendToServer(request("services"));
  auto got = carol->take();
  ASSERT_EQ(got.size(), 1U);
  auto error = xmpp::parseStanzaError(got[0]);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->condition, xmpp::StanzaErrorCondition::forbidden);
  EXPECT_EQ(xml::toString(got[0]).find("turn.example.test"), std::string::npos)
      << "not even the relays are named to others";
}

TEST_F(ExternalServicesTest, NothingConfiguredNothingAdvertised) {
  start({});
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_EQ(std::find(features.begin(), features.end(), kNs), features.end());
  auto reply = ask(request("services"));
  auto error = xmpp::parseStanzaError(reply);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->condition, xmpp::StanzaErrorCondition::serviceUnavailable);
}

TEST(ExternalServicesConfigTest, ParsesServicesAndRefusesContradictions) {
  config::SectionRegistry registry;
  ASSERT_TRUE(registerExternalServicesConfig(registry));
  auto loaded = config::loadConfigFromString(
      config::minimalConfigText() +
          "[external_services]\ncredential_ttl = 600\n"
          "[[external_services.service]]\ntype = \"stun\"\nhost = \"stun.a.test\"\nport = 3478\n"
          "[[external_services.service]]\ntype = \"turn\"\nhost = \"turn.a.test\"\n"
          "transport = \"tcp\"\nsecret = \"x\"\n",
      "/tmp/keyfed.toml", registry);
  ASSERT_TRUE(loaded) << loaded.error().describe();
  const auto c = externalServicesConfig(*loaded);
  EXPECT_EQ(c.credentialTtl.count(), 600);
  ASSERT_EQ(c.services.size(), 2U);
  EXPECT_EQ(c.services[1].transport, "tcp");
  EXPECT_TRUE(c.services[1].restricted());

  for (std::string_view bad : {
           "[[external_services.service]]\ntype = \"turn\"\n",  // no host
           "[[external_services.service]]\ntype = \"tun\"\nhost = \"h\"\n",
           ("[[external_services.service]]\nhost = \"h\"\nsecret = \"s\"\nusername = \"u\"\n"
            "password = \"p\"\n"),
           "[[external_services.service]]\nhost = \"h\"\nusername = \"u\"\n",
           "[[external_services.service]]\ntype = \"stun\"\nhost = \"h\"\nsecret = \"s\"\n",
       }) {
    auto refused = config::loadConfigFromString(config::minimalConfigText() + std::string(bad),
                                                "/tmp/keyfed.toml", registry);
    EXPECT_FALSE(refused) << bad;
  }
}

}  // namespace
}  // namespace keyfed::modules
