// XEP-0202 against a TestServer with a fake clock.
#include <gtest/gtest.h>

#include <chrono>

#include "keyfed/modules/time.hpp"
#include "keyfed/server/test_server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

xml::Element timeRequest(std::string_view name = "time") {
  xml::Element q("iq", std::string(xmpp::ns::client));
  q.setAttr("type", "get");
  q.setAttr("id", "t1");
  q.setAttr("to", "example.test");
  q.addChild(std::string(name), std::string(xmpp::ns::time));
  return q;
}

class TimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    t.addUser("alice", "example.test");
    std::vector<std::unique_ptr<server::Module>> modules;
    modules.push_back(makeTimeModule());
    ASSERT_TRUE(t.start(std::move(modules)));
    alice = t.connect("alice", "example.test", "a");
  }
  // The <utc/> and <tzo/> of the answer to one request.
  std::pair<std::string, std::string> askTime() {
    alice->sendToServer(timeRequest());
    auto got = alice->take();
    if (got.size() != 1U || got[0].attr("type") != "result") return {};
    const xml::Element* time = got[0].child("time", xmpp::ns::time);
    if (time == nullptr) return {};
    return {time->childText("utc", xmpp::ns::time), time->childText("tzo", xmpp::ns::time)};
  }
  server::TestServer t;
  std::unique_ptr<server::TestClientSession> alice;
};

TEST_F(TimeTest, ReportsTheServerClockInUtc) {
  // FakeClock starts at 1,700,000,000 s after the epoch.
  EXPECT_EQ(askTime(), std::make_pair(std::string("2023-11-14T22:13:20Z"), std::string("+00:00")));
  t.clock.advance(std::chrono::hours(24 * 48) + std::chrono::minutes(47) +
                  std::chrono::milliseconds(1500));
  EXPECT_EQ(askTime().first, "2024-01-01T23:00:21Z");
}

TEST_F(TimeTest, LeapDayAndEpoch) {
  t.clock.setWall(base::SystemTime{std::chrono::seconds{951'782'400}});
  EXPECT_EQ(askTime().first, "2000-02-29T00:00:00Z");
  t.clock.setWall(base::SystemTime{});
  EXPECT_EQ(askTime().first, "1970-01-01T00:00:00Z");
}

TEST_F(TimeTest, FeatureIsAdvertisedAndOtherElementsAreRefused) {
  const auto& features = t.server->disco().serverFeatures();
  EXPECT_NE(std::find(features.begin(), features.end(), xmpp::ns::time), features.end());
  alice->sendToServer(timeRequest("clock"));
  auto got = alice->take();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].attr("type"), "error");
}

}  // namespace
}  // namespace keyfed::modules
