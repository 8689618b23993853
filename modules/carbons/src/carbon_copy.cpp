#include "carbon_copy.hpp"

#include <string>

#include "eligibility.hpp"
#include "keyfed/xmpp/client_namespace.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules::carbons {

xml::Element wrapCarbon(const xml::Element& original, Direction direction,
                        std::string_view accountBare, std::string_view toFull) {
  xml::Element outer("message", std::string(xmpp::ns::client));
  outer.setAttr("from", accountBare);
  outer.setAttr("to", toFull);
  if (const auto type = xmpp::stanzaType(original); !type.empty()) outer.setAttr("type", type);
  auto& wrapper = outer.addChild(direction == Direction::received ? "received" : "sent",
                                 std::string(kCarbonsNs));
  auto& forwarded = wrapper.addChild("forwarded", std::string(kForwardNs));
  xml::Element inner = original;
  // A message from a federated peer is in jabber:server; forwarded to a
  // client it is a client's message (XEP-0297 section 3).
  xmpp::toClientNamespace(inner);
  forwarded.addChild(std::move(inner));
  return outer;
}

}  // namespace keyfed::modules::carbons
