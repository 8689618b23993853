// XEP-0115: the verification string and hash (the XEP's own examples), and
// the directory: one query per 'ver', verified answers only, bounded cache.
#include <gtest/gtest.h>

#include "caps_directory.hpp"
#include "caps_hash.hpp"
#include "keyfed/xml/stored_element.hpp"

namespace keyfed::modules::pep {
namespace {

xml::Element parse(std::string_view text) {
  auto el = xml::parseStoredElement(text, 1 << 16);
  EXPECT_TRUE(el) << text;
  return el ? std::move(*el) : xml::Element();
}

// XEP-0115 section 5.2.
constexpr std::string_view kSimple =
    "<query xmlns='http://jabber.org/protocol/disco#info'>"
    "<identity category='client' name='Exodus 0.9.1' type='pc'/>"
    "<feature var='http://jabber.org/protocol/caps'/>"
    "<feature var='http://jabber.org/protocol/disco#items'/>"
    "<feature var='http://jabber.org/protocol/disco#info'/>"
    "<feature var='http://jabber.org/protocol/muc'/>"
    "</query>";

// XEP-0115 section 5.3.
constexpr std::string_view kComplex =
    "<query xmlns='http://jabber.org/protocol/disco#info'>"
    "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>"
    "<identity xml:lang='el' category='client' name='\xce\xa8 0.11' type='pc'/>"
    "<feature var='http://jabber.org/protocol/caps'/>"
    "<feature var='http://jabber.org/protocol/disco#info'/>"
    "<feature var='http://jabber.org/protocol/disco#items'/>"
    "<feature var='http://jabber.org/protocol/muc'/>"
    "<x xmlns='jabber:x:data' type='result'>"
    "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>"
    "<field var='ip_version'><value>ipv4</value><value>ipv6</value></field>"
    "<field var='os'><value>Mac</value></field>"
    "<field var='os_version'><value>10.5.1</value></field>"
    "<field var='software'><value>Psi</value></field>"
    "<field var='software_version'><value>0.11</value></field>"
    "</x></query>";

TEST(CapsHash, TheSimpleExampleOfTheXep) {
  auto s = capsVerificationString(parse(kSimple));
  ASSERT_TRUE(s);
  EXPECT_EQ(*s,
            "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<"
            "http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<"
            "http://jabber.org/protocol/muc<");
  EXPECT_TRUE(capsMatch(parse(kSimple), "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu0="));
  EXPECT_FALSE(capsMatch(parse(kSimple), "sha-1", "QgayPKawpkPSDYmwT/WM94uAlu1="));
  EXPECT_FALSE(capsMatch(parse(kSimple), "md5", "QgayPKawpkPSDYmwT/WM94uAlu0="));
}

TEST(CapsHash, TheComplexExampleWithAFormAndLanguages) {
  EXPECT_TRUE(capsMatch(parse(kComplex), "sha-1", "q07IKJEyjvHSyhy//CH0CxmKi8w="));
}

TEST(CapsHash, DuplicatesMakeTheAnswerUnusable) {
  auto dup = parse(
      "<query xmlns='http://jabber.org/protocol/disco#info'>"
      "<feature var='a'/><feature var='a'/></query>");
  EXPECT_FALSE(capsVerificationString(dup));
}

// An answer for `features`, with the sha-1 'ver' it hashes to.
struct Answer {
  xml::Element query;
  std::string ver;
};
Answer answerFor(std::initializer_list<std::string_view> features) {
  xml::Element q("query", "http://jabber.org/protocol/disco#info");
  q.addChild("identity", "http://jabber.org/protocol/disco#info")
      .setAttr("category", "client")
      .setAttr("type", "pc");
  for (auto f : features)
    q.addChild("feature", "http://jabber.org/protocol/disco#info").setAttr("var", f);
  auto ver = capsHash("sha-1", *capsVerificationString(q));
  return {std::move(q), *ver};
}

TEST(CapsDirectory, AsksOncePerVerAndServesEveryoneWaiting) {
  CapsDirectory dir(16);
  auto a = answerFor(
      {"urn:xmpp:avatar:metadata+notify", "eu.siacs.conversations.axolotl.devicelist+notify"});
  const CapsAnnouncement caps{"sha-1", "https://example.org/client", a.ver};
  base::SteadyTime now{};
  EXPECT_EQ(dir.announce("a@x/1", caps), CapsDirectory::Change::unknown);
  auto q = dir.query(caps, "a@x/1", {"a@x/1", {}}, now);
  ASSERT_TRUE(q);
  EXPECT_EQ(q->node, "https://example.org/client#" + a.ver);
  EXPECT_EQ(dir.announce("b@y/2", caps), CapsDirectory::Change::unknown);
  EXPECT_FALSE(dir.query(caps, "b@y/2", {"b@y/2", "a@x"}, now));  // already asked

  // The answer must come from the entity asked.
  EXPECT_FALSE(dir.answer(q->id, "b@y/2", &a.query, now));
  auto answered = dir.answer(q->id, "a@x/1", &a.query, now);
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->ready.size(), 2U);
  EXPECT_EQ(answered->ready[1].account, "a@x");
  EXPECT_FALSE(answered->next);
  EXPECT_TRUE(dir.wants("a@x/1", "urn:xmpp:avatar:metadata"));
  EXPECT_TRUE(dir.wants("b@y/2", "eu.siacs.conversations.axolotl.devicelist"));
  EXPECT_FALSE(dir.wants("b@y/2", "urn:xmpp:avatar:data"));

  // Known now: a third entity needs no query; a repeat changes nothing.
  EXPECT_EQ(dir.announce("c@z/3", caps), CapsDirectory::Change::known);
  EXPECT_EQ(dir.announce("c@z/3", caps), CapsDirectory::Change::unchanged);
  dir.forget("c@z/3");
  EXPECT_FALSE(dir.known("c@z/3"));
}

TEST(CapsDirectory, AnUnverifiedAnswerSpeaksOnlyForItsSender) {
  // slixmpp 1.8 announces a 'ver' computed before its plugins added their
  // features: the answer is true, the 'ver' is not.
  CapsDirectory dir(16);
  auto announced = answerFor({"urn:xmpp:vcard4+notify"});
  auto actual = answerFor({"urn:xmpp:vcard4+notify", "vcard-temp", "urn:xmpp:ping"});
  const CapsAnnouncement caps{"sha-1", "n", announced.ver};
  const base::SteadyTime now{};
  for (const char* jid : {"a@x/1", "b@x/2", "c@y/3"}) dir.announce(jid, caps);
  auto q = dir.query(caps, "a@x/1", {"a@x/1", {}}, now);
  ASSERT_TRUE(q);
  EXPECT_FALSE(dir.query(caps, "b@x/2", {"b@x/2", {}}, now));
  EXPECT_FALSE(dir.query(caps, "c@y/3", {"c@y/3", "b@x"}, now));

  auto answered = dir.answer(q->id, "a@x/1", &actual.query, now);
  ASSERT_TRUE(answered);
  ASSERT_EQ(answered->ready.size(), 1U);
  EXPECT_EQ(answered->ready[0].jid, "a@x/1");
  EXPECT_TRUE(dir.wants("a@x/1", "urn:xmpp:vcard4"));
  EXPECT_FALSE(dir.known("b@x/2")) << "a's word is not b's";
  EXPECT_EQ(dir.cached(), 0U);
  ASSERT_TRUE(answered->next);
  EXPECT_EQ(answered->next->to, "b@x/2");
  EXPECT_EQ(answered->next->node, "n#" + announced.ver);

  // b errs: b gets nothing, c is asked; c answers for itself.
  auto fromB = dir.answer(answered->next->id, "b@x/2", nullptr, now);
  ASSERT_TRUE(fromB);
  EXPECT_TRUE(fromB->ready.empty());
  ASSERT_TRUE(fromB->next);
  EXPECT_EQ(fromB->next->to, "c@y/3");
  EXPECT_EQ(fromB->next->account, "b@x");
  auto fromC = dir.answer(fromB->next->id, "c@y/3", &actual.query, now);
  ASSERT_TRUE(fromC);
  ASSERT_EQ(fromC->ready.size(), 1U);
  EXPECT_EQ(fromC->ready[0].account, "b@x");
  EXPECT_FALSE(fromC->next);
  EXPECT_TRUE(dir.wants("c@y/3", "urn:xmpp:vcard4"));
  EXPECT_FALSE(dir.known("b@x/2"));

  // Nothing was cached: the next entity with this 'ver' is asked itself, and
  // a repeat by a settled entity changes nothing.
  EXPECT_EQ(dir.announce("d@x/4", caps), CapsDirectory::Change::unknown);
  EXPECT_EQ(dir.announce("a@x/1", caps), CapsDirectory::Change::unchanged);
}

TEST(CapsDirectory, AnUnverifiedAnswerSkipsWaitersThatMovedOn) {
  CapsDirectory dir(16);
  auto announced = answerFor({"one+notify"});
  auto actual = answerFor({"two+notify"});
  const CapsAnnouncement caps{"sha-1", "n", announced.ver};
  dir.announce("a@x/1", caps);
  dir.announce("b@x/2", caps);
  auto q = dir.query(caps, "a@x/1", {"a@x/1", {}}, {});
  ASSERT_TRUE(q);
  (void)dir.query(caps, "b@x/2", {"b@x/2", {}}, {});
  dir.forget("b@x/2");  // went offline meanwhile
  auto answered = dir.answer(q->id, "a@x/1", &actual.query, {});
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->ready.size(), 1U);
  EXPECT_FALSE(answered->next);
  EXPECT_TRUE(dir.wants("a@x/1", "two"));
  EXPECT_FALSE(dir.wants("a@x/1", "one"));
}

TEST(CapsDirectory, TheCacheIsBoundedAndQueriesTimeOut) {
  CapsDirectory dir(2);
  for (int i = 0; i < 4; ++i) {
    auto a = answerFor({"node" + std::to_string(i) + "+notify"});
    const std::string jid = "u@x/" + std::to_string(i);
    const CapsAnnouncement caps{"sha-1", "n", a.ver};
    dir.announce(jid, caps);
    auto q = dir.query(caps, jid, {jid, {}}, {});
    ASSERT_TRUE(q);
    ASSERT_TRUE(dir.answer(q->id, jid, &a.query, {}));
  }
  EXPECT_EQ(dir.cached(), 2U);
  EXPECT_TRUE(dir.wants("u@x/0", "node0"));  // entities keep their record

  auto slow = answerFor({"slow+notify"});
  const CapsAnnouncement caps{"sha-1", "n", slow.ver};
  base::SteadyTime t0{};
  ASSERT_TRUE(dir.query(caps, "s@x/1", {"s@x/1", {}}, t0));
  EXPECT_FALSE(dir.query(caps, "s@x/1", {"s@x/1", {}}, t0 + std::chrono::seconds(30)));
  EXPECT_TRUE(dir.query(caps, "s@x/1", {"s@x/1", {}}, t0 + std::chrono::seconds(61)));
}

}  // namespace
}  // namespace keyfed::modules::pep
