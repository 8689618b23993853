// The publish sent to the app server (XEP-0357 section 6, example 7).
#include <gtest/gtest.h>

#include "enable_request.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "notification.hpp"
#include "summary_fields.hpp"

namespace keyfed::modules::push {
namespace {

using testing::summaryFields;

constexpr std::string_view kOptions =
    "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
    "<value>http://jabber.org/protocol/pubsub#publish-options</value></field>"
    "<field var='secret'><value>s3cr3t</value></field></x>";

Summary romeoSummary() {
  return Summary{3, "juliet@capulet.example/balcony", "Wherefore art thou, Romeo?"};
}

TEST(Notification, PublishesTheSummaryOnTheNodeFromTheAccount) {
  storage::PushRegistration r{"push.example.net", "yxs32", std::string(kOptions)};
  auto iq = makeNotification("romeo@montague.example", r, romeoSummary(), {}, "push-1", 16 << 10);
  ASSERT_TRUE(iq.has_value()) << iq.error().describe();
  EXPECT_EQ(iq->attr("type"), "set");
  EXPECT_EQ(iq->attr("from"), "romeo@montague.example");
  EXPECT_EQ(iq->attr("to"), "push.example.net");
  EXPECT_EQ(iq->attr("id"), "push-1");
  const auto* pubsub = iq->child("pubsub", xmpp::ns::pubsub);
  ASSERT_NE(pubsub, nullptr);
  EXPECT_EQ(pubsub->child("publish", xmpp::ns::pubsub)->attr("node"), "yxs32");
  // Private by default: the count only.
  EXPECT_EQ(summaryFields(*iq),
            (std::map<std::string, std::string>{{"FORM_TYPE", std::string(kSummaryFormType)},
                                                {"message-count", "3"}}));
  const auto* options = pubsub->child("publish-options", xmpp::ns::pubsub);
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(xml::toString(*options->child("x", xmpp::ns::dataForms)), kOptions);
}

TEST(Notification, SenderAndBodyWhenConfigured) {
  storage::PushRegistration r{"push.example.net", "n", ""};
  auto iq =
      makeNotification("romeo@montague.example", r, romeoSummary(), {true, true}, "push-2", 1024);
  ASSERT_TRUE(iq.has_value());
  auto fields = summaryFields(*iq);
  EXPECT_EQ(fields["last-message-sender"], "juliet@capulet.example/balcony");
  EXPECT_EQ(fields["last-message-body"], "Wherefore art thou, Romeo?");
  EXPECT_EQ(iq->child("pubsub", xmpp::ns::pubsub)->child("publish-options", xmpp::ns::pubsub),
            nullptr);
  // A call proposal has no body to quote.
  auto call = makeNotification("romeo@montague.example", r, {1, "juliet@capulet.example", ""},
                               {true, true}, "push-3", 1024);
  EXPECT_EQ(summaryFields(*call).count("last-message-body"), 0U);
}

TEST(Notification, DamagedStoredOptionsFailCleanly) {
  storage::PushRegistration r{"push.example.net", "n", "<x xmlns='jabber:x:data'"};
  EXPECT_FALSE(makeNotification("a@b", r, romeoSummary(), {}, "push-4", 1024).has_value());
}

}  // namespace
}  // namespace keyfed::modules::push
