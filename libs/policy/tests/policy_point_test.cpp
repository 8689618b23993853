#include "keyfed/policy/policy_point.hpp"

#include <gtest/gtest.h>

namespace keyfed::policy {
namespace {

class Fixed final : public Decider {
 public:
  Fixed(std::string name, Verdict verdict) : name_(std::move(name)), verdict_(verdict) {}
  std::string_view name() const override { return name_; }
  Decision decideStream(const PeerFacts&) const override {
    return {verdict_, name_, name_ + " says so"};
  }

 private:
  std::string name_;
  Verdict verdict_;
};

TEST(PolicyPoint, AnyDenyWinsOverAllows) {
  PolicyPoint point;
  point.addDecider(std::make_shared<Fixed>("a", Verdict::allow));
  point.addDecider(std::make_shared<Fixed>("b", Verdict::deny));
  auto d = point.decideStream(PeerFacts{});
  EXPECT_EQ(d.verdict, Verdict::deny);
  EXPECT_EQ(d.decider, "b");
}

TEST(PolicyPoint, ClosedByDefaultWhenEveryoneAbstains) {
  PolicyPoint point;
  point.addDecider(std::make_shared<Fixed>("a", Verdict::abstain));
  PeerFacts facts;
  facts.peerDomain = "b.test";
  EXPECT_EQ(point.decideStream(facts).verdict, Verdict::deny);
  point.setDefaultAllow(true);
  EXPECT_TRUE(point.decideStream(facts).allowed());
}

TEST(PolicyPoint, ReplacingADeciderAndAnnouncingTheChange) {
  PolicyPoint point;
  point.addDecider(std::make_shared<Fixed>("static", Verdict::allow));
  int calls = 0;
  point.onChange([&] { ++calls; });
  point.replaceDecider(std::make_shared<Fixed>("static", Verdict::deny));
  point.changed();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(point.generation(), 1U);
  EXPECT_EQ(point.decideStream(PeerFacts{}).verdict, Verdict::deny);
}

}  // namespace
}  // namespace keyfed::policy
