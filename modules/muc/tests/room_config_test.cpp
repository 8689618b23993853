// The muc#roomconfig form: what an owner may submit, and the stored text.
#include "room_config.hpp"

#include <gtest/gtest.h>

#include "muc_ns.hpp"

namespace keyfed::modules::muc {
namespace {

const ConfigBounds kBounds{100, 20};

xml::Element submit(const std::vector<std::pair<std::string, std::string>>& fields,
                    std::string_view formType = ns::roomConfig) {
  xml::Element x("x", std::string(ns::dataForms));
  x.setAttr("type", "submit");
  auto& ft = x.addChild("field", std::string(ns::dataForms));
  ft.setAttr("var", "FORM_TYPE");
  ft.addChild("value", std::string(ns::dataForms)).addText(formType);
  for (const auto& [var, value] : fields) {
    auto& f = x.addChild("field", std::string(ns::dataForms));
    f.setAttr("var", var);
    f.addChild("value", std::string(ns::dataForms)).addText(value);
  }
  return x;
}

TEST(RoomConfigForm, AppliesSubmittedFieldsAndKeepsTheOthers) {
  RoomConfig start;
  start.name = "old";
  start.maxUsers = 50;
  auto c = applyConfigForm(submit({{"muc#roomconfig_roomdesc", "about"},
                                   {"muc#roomconfig_persistentroom", "1"},
                                   {"muc#roomconfig_membersonly", "true"},
                                   {"muc#roomconfig_passwordprotectedroom", "1"},
                                   {"muc#roomconfig_roomsecret", "s3"},
                                   {"muc#roomconfig_whois", "anyone"},
                                   {"muc#roomconfig_historylength", "7"},
                                   {"muc#roomconfig_unknownoption", "x"}}),
                           start, kBounds);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->name, "old");
  EXPECT_EQ(c->description, "about");
  EXPECT_TRUE(c->persistent);
  EXPECT_TRUE(c->membersOnly);
  EXPECT_TRUE(c->passwordProtected);
  EXPECT_EQ(c->password, "s3");
  EXPECT_EQ(c->whois, Whois::anyone);
  EXPECT_EQ(c->historyLength, 7U);
  EXPECT_EQ(c->maxUsers, 50U);
}

TEST(RoomConfigForm, AnEmptySubmitIsTheInstantRoom) {
  xml::Element x("x", std::string(ns::dataForms));
  x.setAttr("type", "submit");
  RoomConfig start;
  start.maxUsers = 10;
  auto c = applyConfigForm(x, start, kBounds);
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, start);
}

TEST(RoomConfigForm, RefusesBadValues) {
  const RoomConfig start;
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_persistentroom", "yes"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_maxusers", "101"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_maxusers", "0"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_historylength", "21"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_whois", "everybody"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({{"muc#roomconfig_roomname", std::string(257, 'n')}}), start,
                               kBounds));
  EXPECT_FALSE(
      applyConfigForm(submit({{"muc#roomconfig_passwordprotectedroom", "1"}}), start, kBounds));
  EXPECT_FALSE(applyConfigForm(submit({}, "urn:other"), start, kBounds));
  xml::Element form = submit({});
  form.setAttr("type", "form");
  EXPECT_FALSE(applyConfigForm(form, start, kBounds));
  // "none" for maxusers means as many as the service allows.
  auto c = applyConfigForm(submit({{"muc#roomconfig_maxusers", "none"}}), start, kBounds);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->maxUsers, 100U);
}

TEST(RoomConfigForm, TheFormShowsTheCurrentValues) {
  RoomConfig c;
  c.name = "Lounge";
  c.moderated = true;
  c.maxUsers = 30;
  const auto form = configForm(c, kBounds);
  EXPECT_EQ(form.attr("type"), "form");
  std::map<std::string, std::string> values;
  for (const auto& f : form.children("field", ns::dataForms)) {
    values[std::string(f.attr("var"))] = f.childText("value", ns::dataForms);
  }
  EXPECT_EQ(values["FORM_TYPE"], ns::roomConfig);
  EXPECT_EQ(values["muc#roomconfig_roomname"], "Lounge");
  EXPECT_EQ(values["muc#roomconfig_moderatedroom"], "1");
  EXPECT_EQ(values["muc#roomconfig_membersonly"], "0");
  EXPECT_EQ(values["muc#roomconfig_maxusers"], "30");
  EXPECT_EQ(values["muc#roomconfig_whois"], "moderators");
}

TEST(StoredRoomConfig, RoundTripsAndEscapes) {
  RoomConfig c;
  c.name = "a=b";
  c.description = "two\nlines \\ and\r more";
  c.persistent = true;
  c.passwordProtected = true;
  c.password = "pw";
  c.whois = Whois::anyone;
  c.maxUsers = 42;
  c.historyLength = 5;
  auto back = parseStoredConfig(serializeConfig(c), kBounds);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(*back, c);
}

TEST(StoredRoomConfig, LoweredLimitsApplyAndGarbageIsRefused) {
  RoomConfig c;
  c.maxUsers = 100;
  c.historyLength = 20;
  auto back = parseStoredConfig(serializeConfig(c), ConfigBounds{10, 5});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->maxUsers, 10U);
  EXPECT_EQ(back->historyLength, 5U);
  EXPECT_FALSE(parseStoredConfig("no equals sign\n", kBounds));
  EXPECT_FALSE(parseStoredConfig("persistentroom=maybe\n", kBounds));
}

}  // namespace
}  // namespace keyfed::modules::muc
