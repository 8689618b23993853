// The bounded history and the subset a joining occupant asks for.
#include "history.hpp"

#include <gtest/gtest.h>

#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::muc {
namespace {

using namespace std::chrono_literals;

constexpr base::SystemTime kT0 = base::fromUnixSeconds(1'700'000'000);

xml::Element message(std::string_view body) {
  xml::Element m("message", "jabber:client");
  m.addChild("body", "jabber:client").addText(body);
  return m;
}

std::vector<std::string> bodies(const std::vector<const History::Entry*>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const auto* e : entries) out.push_back(e->message.childText("body", "jabber:client"));
  return out;
}

TEST(History, KeepsTheNewestUpToItsCapacity) {
  History h(3);
  for (std::string_view b : {"1", "2", "3", "4", "5"}) h.add(message(b), kT0);
  EXPECT_EQ(bodies(h.select({}, kT0)), (std::vector<std::string>{"3", "4", "5"}));
  h.setCapacity(1);
  EXPECT_EQ(bodies(h.select({}, kT0)), (std::vector<std::string>{"5"}));
  History none(0);
  none.add(message("x"), kT0);
  EXPECT_EQ(none.size(), 0U);
}

TEST(History, HonoursMaxStanzasSecondsAndMaxChars) {
  History h(10);
  h.add(message("old"), kT0);
  h.add(message("mid"), kT0 + 100s);
  h.add(message("new"), kT0 + 200s);
  HistoryRequest stanzas;
  stanzas.maxStanzas = 2;
  EXPECT_EQ(bodies(h.select(stanzas, kT0 + 200s)), (std::vector<std::string>{"mid", "new"}));
  HistoryRequest seconds;
  seconds.seconds = 150s;
  EXPECT_EQ(bodies(h.select(seconds, kT0 + 200s)), (std::vector<std::string>{"mid", "new"}));
  HistoryRequest chars;
  chars.maxChars = xml::toString(message("new")).size();
  EXPECT_EQ(bodies(h.select(chars, kT0 + 200s)), (std::vector<std::string>{"new"}));
  HistoryRequest nothing;
  nothing.maxChars = 0;
  EXPECT_TRUE(h.select(nothing, kT0 + 200s).empty());
}

TEST(History, ReadsTheRequestAndIgnoresGarbage) {
  xml::Element el("history", "http://jabber.org/protocol/muc");
  el.setAttr("maxstanzas", "5");
  el.setAttr("maxchars", "-1");
  el.setAttr("seconds", "99999999999999999999");
  auto r = HistoryRequest::from(&el);
  EXPECT_EQ(r.maxStanzas, 5U);
  EXPECT_EQ(r.maxChars, std::nullopt);
  EXPECT_EQ(r.seconds, std::nullopt);  // does not parse as a count: ignored
  EXPECT_EQ(HistoryRequest::from(nullptr).maxStanzas, std::nullopt);
}

}  // namespace
}  // namespace keyfed::modules::muc
