#include "dialback.hpp"

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::s2s {
namespace {
namespace ns = xmpp::ns;
}

xml::Element makeDbResultRequest(std::string_view from, std::string_view to, std::string_view key) {
  xml::Element e{"result", std::string(ns::dialback)};
  e.setAttr("from", from).setAttr("to", to).addText(key);
  return e;
}

xml::Element makeDbVerifyRequest(std::string_view from, std::string_view to, std::string_view id,
                                 std::string_view key) {
  xml::Element e{"verify", std::string(ns::dialback)};
  e.setAttr("from", from).setAttr("to", to).setAttr("id", id).addText(key);
  return e;
}

xml::Element makeDbReply(std::string_view name, std::string_view from, std::string_view to,
                         std::string_view id, bool valid) {
  xml::Element e{std::string(name), std::string(ns::dialback)};
  e.setAttr("from", from).setAttr("to", to);
  if (!id.empty()) e.setAttr("id", id);
  e.setAttr("type", valid ? "valid" : "invalid");
  return e;
}

xml::Element makeDbError(std::string_view name, std::string_view from, std::string_view to,
                         std::string_view id, xmpp::StanzaErrorCondition condition,
                         std::string_view text) {
  xml::Element e{std::string(name), std::string(ns::dialback)};
  e.setAttr("from", from).setAttr("to", to);
  if (!id.empty()) e.setAttr("id", id);
  e.setAttr("type", "error");
  xmpp::StanzaError error;
  error.condition = condition;
  error.text = std::string(text);
  e.addChild(xmpp::makeErrorElement(error, ns::server));
  return e;
}

xmpp::StanzaErrorCondition dbErrorCondition(const xml::Element& element) {
  for (const auto& error : element.children("error")) {
    for (const auto& child : error.children({}, ns::stanzas)) {
      if (child.name() == "text") continue;
      if (auto c = xmpp::parseStanzaErrorCondition(child.name())) return *c;
    }
  }
  return xmpp::StanzaErrorCondition::undefinedCondition;
}

}  // namespace keyfed::modules::s2s
