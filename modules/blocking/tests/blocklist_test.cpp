// XEP-0191 section 6 JID matching.
#include "../src/blocklist.hpp"

#include <gtest/gtest.h>

namespace keyfed::modules::blocking {
namespace {

xmpp::Jid jid(std::string_view text) {
  auto parsed = xmpp::Jid::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : xmpp::Jid();
}

TEST(Blocklist, FullJidBlocksOnlyThatResource) {
  Blocklist list({"romeo@montague.net/orchard"});
  EXPECT_TRUE(list.blocks(jid("romeo@montague.net/orchard")));
  EXPECT_FALSE(list.blocks(jid("romeo@montague.net/garden")));
  EXPECT_FALSE(list.blocks(jid("romeo@montague.net")));
}

TEST(Blocklist, BareJidBlocksEveryResource) {
  Blocklist list({"romeo@montague.net"});
  EXPECT_TRUE(list.blocks(jid("romeo@montague.net")));
  EXPECT_TRUE(list.blocks(jid("romeo@montague.net/orchard")));
  EXPECT_FALSE(list.blocks(jid("benvolio@montague.net")));
  EXPECT_FALSE(list.blocks(jid("montague.net")));
}

TEST(Blocklist, DomainResourceBlocksOnlyThatResourceOfTheDomain) {
  Blocklist list({"montague.net/bot"});
  EXPECT_TRUE(list.blocks(jid("montague.net/bot")));
  EXPECT_FALSE(list.blocks(jid("montague.net")));
  EXPECT_FALSE(list.blocks(jid("montague.net/other")));
  // "only that resource" of the domain itself, not of users there.
  EXPECT_FALSE(list.blocks(jid("romeo@montague.net/bot")));
}

TEST(Blocklist, DomainBlocksEverythingAtItAndItsSubdomains) {
  Blocklist list({"montague.net"});
  EXPECT_TRUE(list.blocks(jid("montague.net")));
  EXPECT_TRUE(list.blocks(jid("montague.net/x")));
  EXPECT_TRUE(list.blocks(jid("romeo@montague.net/orchard")));
  EXPECT_TRUE(list.blocks(jid("chat.montague.net")));
  EXPECT_TRUE(list.blocks(jid("room@chat.montague.net/nick")));
  EXPECT_FALSE(list.blocks(jid("evilmontague.net")));
  EXPECT_FALSE(list.blocks(jid("montague.net.example")));
  EXPECT_FALSE(list.blocks(jid("capulet.com")));
}

TEST(Blocklist, EmptyListAndInvalidJidBlockNothing) {
  Blocklist empty;
  EXPECT_FALSE(empty.blocks(jid("romeo@montague.net")));
  Blocklist list({"montague.net"});
  EXPECT_FALSE(list.blocks(xmpp::Jid()));
}

TEST(Blocklist, EditsAndSortedListing) {
  Blocklist list;
  list.add("b@x");
  list.add("a@x");
  list.add("a@x");
  EXPECT_EQ(list.size(), 2U);
  EXPECT_EQ(list.sorted(), (std::vector<std::string>{"a@x", "b@x"}));
  list.remove("a@x");
  list.remove("not-there");
  EXPECT_EQ(list.sorted(), (std::vector<std::string>{"b@x"}));
  list.clear();
  EXPECT_TRUE(list.empty());
}

}  // namespace
}  // namespace keyfed::modules::blocking
