#pragma once
// Test helper: the fields of a notification's urn:xmpp:push:summary form.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "enable_request.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::push::testing {

// var -> first value; fails the test when the iq is not a notification.
inline std::map<std::string, std::string> summaryFields(const xml::Element& iq) {
  std::map<std::string, std::string> out;
  const xml::Element* x = iq.child("pubsub", xmpp::ns::pubsub);
  for (auto [name, ns] :
       {std::pair<std::string_view, std::string_view>{"publish", xmpp::ns::pubsub},
        {"item", xmpp::ns::pubsub},
        {"notification", kPushNs},
        {"x", xmpp::ns::dataForms}}) {
    if (x == nullptr) break;
    x = x->child(name, ns);
  }
  EXPECT_NE(x, nullptr) << "not a notification";
  if (x == nullptr) return out;
  EXPECT_EQ(x->attr("type"), "submit");
  for (const auto& f : x->children("field", xmpp::ns::dataForms)) {
    out[std::string(f.attr("var"))] = f.childText("value", xmpp::ns::dataForms);
  }
  return out;
}

}  // namespace keyfed::modules::push::testing
