// Node configuration: fields, publish-options preconditions, the stored form.
#include "node_config.hpp"

#include <gtest/gtest.h>

#include "data_form.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

TEST(NodeConfig, DefaultsArePepDefaults) {
  NodeConfig c;
  EXPECT_EQ(c.accessModel, AccessModel::presence);
  EXPECT_EQ(c.maxItems, 1U);
  EXPECT_TRUE(c.persistItems);
  EXPECT_TRUE(c.notifyRetract);
}

TEST(NodeConfig, AppliesFieldsAndRefusesUnknownOnes) {
  NodeConfig c;
  EXPECT_TRUE(applyField(c, "pubsub#access_model", "open", 100));
  EXPECT_EQ(c.accessModel, AccessModel::open);
  EXPECT_TRUE(applyField(c, "pubsub#access_model", "whitelist", 100));
  EXPECT_EQ(c.accessModel, AccessModel::whitelist);
  EXPECT_TRUE(applyField(c, "pubsub#access_model", "roster", 100));
  EXPECT_EQ(c.accessModel, AccessModel::roster);
  EXPECT_FALSE(applyField(c, "pubsub#access_model", "authorize", 100));
  EXPECT_TRUE(applyField(c, "pubsub#max_items", "max", 100));
  EXPECT_EQ(c.maxItems, kMaxItemsMax);
  EXPECT_TRUE(applyField(c, "pubsub#max_items", "7", 100));
  EXPECT_EQ(c.maxItems, 7U);
  EXPECT_FALSE(applyField(c, "pubsub#max_items", "101", 100));
  EXPECT_FALSE(applyField(c, "pubsub#max_items", "0", 100));
  EXPECT_FALSE(applyField(c, "pubsub#max_items", "7x", 100));
  EXPECT_TRUE(applyField(c, "pubsub#persist_items", "0", 100));
  EXPECT_FALSE(c.persistItems);
  EXPECT_FALSE(applyField(c, "pubsub#persist_items", "yes", 100));
  EXPECT_TRUE(applyField(c, "pubsub#send_last_published_item", "never", 100));
  EXPECT_EQ(c.sendLastPublishedItem, SendLastItem::never);
  EXPECT_FALSE(applyField(c, "pubsub#deliver_payloads", "1", 100));
}

TEST(NodeConfig, PreconditionsCompareWithTheNode) {
  NodeConfig c;  // presence, max_items 1
  EXPECT_TRUE(meetsPrecondition(c, "pubsub#access_model", "presence", 100));
  EXPECT_FALSE(meetsPrecondition(c, "pubsub#access_model", "open", 100));
  EXPECT_TRUE(meetsPrecondition(c, "pubsub#max_items", "1", 100));
  EXPECT_FALSE(meetsPrecondition(c, "pubsub#max_items", "max", 100));
  EXPECT_TRUE(meetsPrecondition(c, "pubsub#persist_items", "true", 100));
  EXPECT_TRUE(meetsPrecondition(c, "pubsub#persist_items", "1", 100));
  // An option the service does not know can never be met.
  EXPECT_FALSE(meetsPrecondition(c, "pubsub#title", "x", 100));
}

TEST(NodeConfig, ItemsKeptFollowMaxItemsThePerNodeLimitAndPersistence) {
  NodeConfig c;
  c.maxItems = 5;
  EXPECT_EQ(c.itemsKept(256), 5U);
  c.maxItems = kMaxItemsMax;
  EXPECT_EQ(c.itemsKept(256), 256U);
  c.persistItems = false;
  EXPECT_EQ(c.itemsKept(256), 1U);
}

TEST(NodeConfig, StoredTextRoundTrips) {
  NodeConfig c;
  c.accessModel = AccessModel::whitelist;
  c.maxItems = kMaxItemsMax;
  c.persistItems = true;
  c.sendLastPublishedItem = SendLastItem::never;
  c.notifyRetract = false;
  auto back = parseStoredConfig(storedConfig(c), 256);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
  EXPECT_FALSE(parseStoredConfig("pubsub#access_model\n", 256));
  // A lowered server limit caps a number stored under an older one.
  auto capped = parseStoredConfig("pubsub#max_items=500\n", 256);
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->maxItems, 256U);
}

TEST(DataForm, ReadsSubmittedFieldsOfTheRightType) {
  auto x = xml::parseStoredElement(
      "<x xmlns='jabber:x:data' type='submit'>"
      "<field var='FORM_TYPE' type='hidden'>"
      "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
      "<field var='pubsub#access_model'><value>open</value></field></x>",
      4096);
  ASSERT_TRUE(x);
  auto fields = readSubmittedForm(*x, xmpp::ns::pubsubPublishOptions);
  ASSERT_TRUE(fields);
  ASSERT_EQ(fields->size(), 1U);
  EXPECT_EQ((*fields)[0].var, "pubsub#access_model");
  EXPECT_EQ((*fields)[0].value, "open");
  EXPECT_FALSE(readSubmittedForm(*x, xmpp::ns::pubsubNodeConfig));

  auto twice = xml::parseStoredElement(
      "<x xmlns='jabber:x:data' type='submit'>"
      "<field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#node_config</value></field>"
      "<field var='a'><value>1</value></field><field var='a'><value>2</value></field></x>",
      4096);
  ASSERT_TRUE(twice);
  EXPECT_FALSE(readSubmittedForm(*twice, xmpp::ns::pubsubNodeConfig));
}

TEST(DataForm, TheConfigFormNamesEveryFieldWithItsValue) {
  NodeConfig c;
  c.accessModel = AccessModel::open;
  const xml::Element form = configForm(c);
  std::string access;
  std::size_t fields = 0;
  for (const xml::Element& f : form.children("field", xmpp::ns::dataForms)) {
    ++fields;
    if (f.attr("var") == "pubsub#access_model") access = f.childText("value", xmpp::ns::dataForms);
  }
  EXPECT_EQ(fields, 7U);  // FORM_TYPE and six options
  EXPECT_EQ(access, "open");
}

TEST(NodeConfig, RosterGroupsComeFromEveryValueSortedAndBounded) {
  NodeConfig c;
  FormField field{"pubsub#roster_groups_allowed", "Friends", {"Friends", "Family", "Friends"}};
  ASSERT_TRUE(applyField(c, field, 100));
  EXPECT_EQ(c.rosterGroupsAllowed, (std::vector<std::string>{"Family", "Friends"}));
  EXPECT_TRUE(meetsPrecondition(c, field, 100));
  EXPECT_FALSE(meetsPrecondition(c, FormField{field.var, "Family", {"Family"}}, 100));
  // The single-value form allows one group, or none.
  ASSERT_TRUE(applyField(c, "pubsub#roster_groups_allowed", "Work", 100));
  EXPECT_EQ(c.rosterGroupsAllowed, std::vector<std::string>{"Work"});
  ASSERT_TRUE(applyField(c, FormField{field.var, "", {}}, 100));
  EXPECT_TRUE(c.rosterGroupsAllowed.empty());

  EXPECT_FALSE(applyField(c, FormField{field.var, "", {""}}, 100));
  EXPECT_FALSE(applyField(c, FormField{field.var, "a\nb", {"a\nb"}}, 100));
  EXPECT_FALSE(
      applyField(c, FormField{field.var, "", {std::string(kMaxGroupBytes + 1, 'g')}}, 100));
  std::vector<std::string> many;
  for (std::size_t i = 0; i <= kMaxRosterGroups; ++i) many.push_back("g" + std::to_string(i));
  EXPECT_FALSE(applyField(c, FormField{field.var, many.front(), many}, 100));
  many.pop_back();
  EXPECT_TRUE(applyField(c, FormField{field.var, many.front(), many}, 100));
}

TEST(NodeConfig, RosterGroupsRoundTripThroughStorageAndTheForm) {
  NodeConfig c;
  c.accessModel = AccessModel::roster;
  c.rosterGroupsAllowed = {"Family", "Friends"};
  auto back = parseStoredConfig(storedConfig(c), 256);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, c);
  std::vector<std::string> values;
  const xml::Element form = configForm(c);
  for (const xml::Element& f : form.children("field", xmpp::ns::dataForms)) {
    if (f.attr("var") != "pubsub#roster_groups_allowed") continue;
    EXPECT_EQ(f.attr("type"), "list-multi");
    for (const xml::Element& v : f.children("value", xmpp::ns::dataForms))
      values.push_back(v.text());
  }
  EXPECT_EQ(values, c.rosterGroupsAllowed);
}

TEST(DataForm, AListMultiFieldKeepsEveryValueUpToALimit) {
  std::string text =
      "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
      "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
      "<field var='pubsub#roster_groups_allowed'><value>A</value><value>B</value></field></x>";
  auto x = xml::parseStoredElement(text, 8192);
  ASSERT_TRUE(x);
  auto fields = readSubmittedForm(*x, xmpp::ns::pubsubNodeConfig);
  ASSERT_TRUE(fields);
  EXPECT_EQ((*fields)[0].value, "A");
  EXPECT_EQ((*fields)[0].values, (std::vector<std::string>{"A", "B"}));

  std::string values;
  for (int i = 0; i < 65; ++i) values += "<value>v</value>";
  auto tooMany = xml::parseStoredElement(
      "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
      "<value>http://jabber.org/protocol/pubsub#node_config</value></field>"
      "<field var='g'>" +
          values + "</field></x>",
      8192);
  ASSERT_TRUE(tooMany);
  EXPECT_FALSE(readSubmittedForm(*tooMany, xmpp::ns::pubsubNodeConfig));
}

}  // namespace
}  // namespace keyfed::modules::pep
