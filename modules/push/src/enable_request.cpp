#include "enable_request.hpp"

#include <string>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::push {
namespace {

base::Failure badRequest(std::string message) {
  return base::fail(std::string(kBadRequest), std::move(message));
}

base::Result<xmpp::Jid> serviceOf(const xml::Element& request) {
  const auto text = request.attr("jid");
  if (text.empty()) return badRequest("the app server's 'jid' is missing");
  auto jid = xmpp::Jid::parse(text);
  if (!jid) return base::fail(std::string(kJidMalformed), "the app server's 'jid' is not a JID");
  return std::move(*jid);
}

base::Result<void> checkNode(std::string_view node, std::size_t maxNodeBytes) {
  if (node.size() > maxNodeBytes) {
    return badRequest("the node is longer than " + std::to_string(maxNodeBytes) + " bytes");
  }
  return {};
}

// XEP-0357 section 5: a submitted form whose FORM_TYPE is pubsub's
// publish-options. Rebuilt from its fields so that nothing but field values
// is forwarded to the app server.
base::Result<std::string> publishOptions(const xml::Element& x, std::size_t maxBytes) {
  if (x.attr("type") != "submit") return badRequest("publish-options must be a submitted form");
  xml::Element clean("x", std::string(xmpp::ns::dataForms));
  clean.setAttr("type", "submit");
  bool formType = false;
  std::size_t fields = 0;
  for (const auto& field : x.children("field", xmpp::ns::dataForms)) {
    if (++fields > kMaxOptionFields) {
      return badRequest("publish-options has more than " + std::to_string(kMaxOptionFields) +
                        " fields");
    }
    const auto var = field.attr("var");
    if (var.empty()) return badRequest("a publish-options field has no 'var'");
    auto& copy = clean.addChild("field", std::string(xmpp::ns::dataForms));
    copy.setAttr("var", var);
    for (const auto& value : field.children("value", xmpp::ns::dataForms)) {
      copy.addChild("value", std::string(xmpp::ns::dataForms)).addText(value.text());
    }
    if (var == "FORM_TYPE") {
      if (field.childText("value", xmpp::ns::dataForms) != xmpp::ns::pubsubPublishOptions) {
        return badRequest("the form is not pubsub#publish-options");
      }
      formType = true;
    }
  }
  if (!formType) return badRequest("publish-options has no FORM_TYPE");
  std::string text = xml::toString(clean);
  if (text.size() > maxBytes) {
    return badRequest("publish-options is larger than " + std::to_string(maxBytes) + " bytes");
  }
  return text;
}

}  // namespace

base::Result<EnableRequest> parseEnable(const xml::Element& enable, std::size_t maxNodeBytes,
                                        std::size_t maxOptionsBytes) {
  auto service = serviceOf(enable);
  if (!service) return base::fail(service.error());
  EnableRequest request{std::move(*service), std::string(enable.attr("node")), {}};
  // The node names the device at the app server: without it there is nothing to publish to.
  if (request.node.empty()) return badRequest("the 'node' is missing");
  if (auto checked = checkNode(request.node, maxNodeBytes); !checked) {
    return base::fail(checked.error());
  }
  const xml::Element* form = nullptr;
  for (const auto& child : enable.children()) {
    if (!child.is("x", xmpp::ns::dataForms) || form != nullptr) {
      return badRequest("<enable/> holds one publish-options form at most, nothing else");
    }
    form = &child;
  }
  if (form != nullptr) {
    auto options = publishOptions(*form, maxOptionsBytes);
    if (!options) return base::fail(options.error());
    request.publishOptions = std::move(*options);
  }
  return request;
}

base::Result<DisableRequest> parseDisable(const xml::Element& disable, std::size_t maxNodeBytes) {
  auto service = serviceOf(disable);
  if (!service) return base::fail(service.error());
  DisableRequest request{std::move(*service), std::string(disable.attr("node"))};
  if (auto checked = checkNode(request.node, maxNodeBytes); !checked) {
    return base::fail(checked.error());
  }
  return request;
}

}  // namespace keyfed::modules::push
