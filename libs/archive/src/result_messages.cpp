#include "keyfed/archive/result_messages.hpp"

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xmpp/client_namespace.hpp"
#include "keyfed/xmpp/datetime.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::archive {
xml::Element makeResultMessage(xml::Element original, std::string_view ownerBare,
                               std::string_view toFull, std::string_view queryId,
                               std::string_view id, base::SystemTime stamp) {
  xml::Element message("message", std::string(xmpp::ns::client));
  message.setAttr("from", ownerBare);
  message.setAttr("to", toFull);
  auto& result = message.addChild("result", std::string(kMamNs));
  if (!queryId.empty()) result.setAttr("queryid", queryId);
  result.setAttr("id", id);
  auto& forwarded = result.addChild("forwarded", std::string(kForwardNs));
  forwarded.addChild("delay", std::string(xmpp::ns::delay)).setAttr("stamp", xmpp::utcStamp(stamp));
  xmpp::toClientNamespace(original);
  forwarded.addChild(std::move(original));
  return message;
}

xml::Element makeFin(bool complete, std::uint64_t count, const std::optional<PageRange>& range) {
  xml::Element fin("fin", std::string(kMamNs));
  fin.setAttr("complete", complete ? "true" : "false");
  auto& set = fin.addChild("set", std::string(kRsmNs));
  if (range) {
    auto& first = set.addChild("first", std::string(kRsmNs));
    first.addText(range->first);
    set.addChild("last", std::string(kRsmNs)).addText(range->last);
  }
  set.addChild("count", std::string(kRsmNs)).addText(std::to_string(count));
  return fin;
}

base::Result<xml::Element> parseStoredMessage(std::string_view text, std::size_t maxBytes) {
  return xml::parseStoredElement(text, maxBytes);
}

}  // namespace keyfed::archive
