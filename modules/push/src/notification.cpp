#include "notification.hpp"

#include "enable_request.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::push {
namespace {

void addField(xml::Element& form, std::string_view var, std::string_view value) {
  auto& field = form.addChild("field", std::string(xmpp::ns::dataForms));
  field.setAttr("var", var);
  field.addChild("value", std::string(xmpp::ns::dataForms)).addText(value);
}

xml::Element summaryForm(const Summary& summary, SummaryFields fields) {
  xml::Element form("x", std::string(xmpp::ns::dataForms));
  form.setAttr("type", "submit");
  addField(form, "FORM_TYPE", kSummaryFormType);
  addField(form, "message-count", std::to_string(summary.messageCount));
  if (fields.sender && !summary.lastSender.empty()) {
    addField(form, "last-message-sender", summary.lastSender);
  }
  if (fields.body && !summary.lastBody.empty()) {
    addField(form, "last-message-body", summary.lastBody);
  }
  return form;
}

}  // namespace

base::Result<xml::Element> makeNotification(std::string_view account,
                                            const storage::PushRegistration& registration,
                                            const Summary& summary, SummaryFields fields,
                                            std::string_view id, std::size_t maxOptionsBytes) {
  xml::Element iq("iq", "jabber:client");
  iq.setAttr("type", "set");
  iq.setAttr("from", account);
  iq.setAttr("to", registration.service);
  iq.setAttr("id", id);
  auto& pubsub = iq.addChild("pubsub", std::string(xmpp::ns::pubsub));
  auto& publish = pubsub.addChild("publish", std::string(xmpp::ns::pubsub));
  publish.setAttr("node", registration.node);
  auto& notification = publish.addChild("item", std::string(xmpp::ns::pubsub))
                           .addChild("notification", std::string(kPushNs));
  notification.addChild(summaryForm(summary, fields));
  if (!registration.publishOptions.empty()) {
    auto options =
        xml::parseStoredElement(registration.publishOptions, maxOptionsBytes, xmpp::ns::dataForms);
    if (!options) return base::fail(options.error());
    pubsub.addChild("publish-options", std::string(xmpp::ns::pubsub)).addChild(std::move(*options));
  }
  return iq;
}

}  // namespace keyfed::modules::push
