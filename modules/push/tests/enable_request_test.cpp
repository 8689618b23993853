// Reading <enable/> and <disable/>: required attributes, JIDs, the
// publish-options form and its limits.
#include <gtest/gtest.h>

#include "enable_request.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::push {
namespace {

constexpr std::size_t kNodeBytes = 1023;
constexpr std::size_t kOptionsBytes = 16 << 10;

xml::Element parse(std::string_view text) {
  auto element = xml::parseStoredElement(text, 1 << 20, kPushNs);
  EXPECT_TRUE(element.has_value()) << text;
  return element ? std::move(*element) : xml::Element();
}

std::string failure(std::string_view text) {
  auto request = parseEnable(parse(text), kNodeBytes, kOptionsBytes);
  return request ? std::string("accepted") : request.error().code;
}

constexpr std::string_view kOptions =
    "<x xmlns='jabber:x:data' type='submit'>"
    "<field "
    "var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
    "<field var='secret' type='hidden'><value>eruio234vzxc2kla-91</value><ignored/></field>"
    "</x>";

TEST(EnableRequest, ReadsServiceNodeAndACleanCopyOfTheOptions) {
  auto request = parseEnable(parse(std::string("<enable jid='Push.Example.NET' node='yxs32'>") +
                                   std::string(kOptions) + "</enable>"),
                             kNodeBytes, kOptionsBytes);
  ASSERT_TRUE(request.has_value()) << request.error().describe();
  EXPECT_EQ(request->service.full(), "push.example.net");  // prepared
  EXPECT_EQ(request->node, "yxs32");
  auto options = xml::parseStoredElement(request->publishOptions, kOptionsBytes);
  ASSERT_TRUE(options.has_value());
  EXPECT_TRUE(options->is("x", xmpp::ns::dataForms));
  EXPECT_EQ(options->attr("type"), "submit");
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& f : options->children("field", xmpp::ns::dataForms)) {
    fields.emplace_back(f.attr("var"), f.childText("value", xmpp::ns::dataForms));
    EXPECT_EQ(f.childCount(), 1U) << "only the values are copied";
  }
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, std::string>>{
                        {"FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options"},
                        {"secret", "eruio234vzxc2kla-91"}}));
}

TEST(EnableRequest, OptionsAreOptional) {
  auto request = parseEnable(parse("<enable jid='app@push.example.net/x' node='n'/>"), kNodeBytes,
                             kOptionsBytes);
  ASSERT_TRUE(request.has_value());
  EXPECT_TRUE(request->publishOptions.empty());
  EXPECT_EQ(request->service.full(), "app@push.example.net/x");
}

TEST(EnableRequest, RefusesWhatIsMissingMalformedOrTooLarge) {
  EXPECT_EQ(failure("<enable node='n'/>"), kBadRequest);
  EXPECT_EQ(failure("<enable jid='push.example.net'/>"), kBadRequest);
  EXPECT_EQ(failure("<enable jid='push.example.net' node=''/>"), kBadRequest);
  EXPECT_EQ(failure("<enable jid='a@@b' node='n'/>"), kJidMalformed);
  EXPECT_EQ(
      failure("<enable jid='push.example.net' node='" + std::string(kNodeBytes + 1, 'n') + "'/>"),
      kBadRequest);
  // Not a submitted form, another form type, no FORM_TYPE, a field without var, two forms,
  // something else inside.
  EXPECT_EQ(failure("<enable jid='p.net' node='n'><x xmlns='jabber:x:data' type='form'/></enable>"),
            kBadRequest);
  EXPECT_EQ(failure("<enable jid='p.net' node='n'><x xmlns='jabber:x:data' type='submit'>"
                    "<field var='FORM_TYPE'><value>urn:other</value></field></x></enable>"),
            kBadRequest);
  EXPECT_EQ(failure("<enable jid='p.net' node='n'><x xmlns='jabber:x:data' type='submit'>"
                    "<field var='secret'><value>s</value></field></x></enable>"),
            kBadRequest);
  EXPECT_EQ(failure("<enable jid='p.net' node='n'><x xmlns='jabber:x:data' type='submit'>"
                    "<field><value>s</value></field></x></enable>"),
            kBadRequest);
  EXPECT_EQ(failure("<enable jid='p.net' node='n'>" + std::string(kOptions) +
                    std::string(kOptions) + "</enable>"),
            kBadRequest);
  EXPECT_EQ(failure("<enable jid='p.net' node='n'><foo xmlns='urn:x'/></enable>"), kBadRequest);
  std::string many = "<enable jid='p.net' node='n'><x xmlns='jabber:x:data' type='submit'>";
  for (std::size_t i = 0; i <= kMaxOptionFields; ++i) many += "<field var='f'/>";
  EXPECT_EQ(failure(many + "</x></enable>"), kBadRequest);
  auto big = parseEnable(
      parse(std::string("<enable jid='p.net' node='n'>") + std::string(kOptions) + "</enable>"),
      kNodeBytes, 64);
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, kBadRequest);
}

TEST(DisableRequest, NodeIsOptionalJidIsNot) {
  auto all = parseDisable(parse("<disable jid='push.example.net'/>"), kNodeBytes);
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->service.full(), "push.example.net");
  EXPECT_TRUE(all->node.empty());
  auto one = parseDisable(parse("<disable jid='push.example.net' node='n'/>"), kNodeBytes);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->node, "n");
  EXPECT_EQ(parseDisable(parse("<disable/>"), kNodeBytes).error().code, kBadRequest);
  EXPECT_EQ(parseDisable(parse("<disable jid='@'/>"), kNodeBytes).error().code, kJidMalformed);
}

}  // namespace
}  // namespace keyfed::modules::push
