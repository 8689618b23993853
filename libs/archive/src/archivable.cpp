#include "keyfed/archive/archivable.hpp"

#include <string>

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::archive {
namespace {

// The domain part of a JID given as text ("user@host/res" -> "host").
std::string_view domainOf(std::string_view jid) {
  if (const auto slash = jid.find('/'); slash != std::string_view::npos) jid = jid.substr(0, slash);
  if (const auto at = jid.find('@'); at != std::string_view::npos) jid = jid.substr(at + 1);
  return jid;
}

}  // namespace

bool isArchivable(const xml::Element& message) {
  const auto type = xmpp::stanzaType(message);
  if (!type.empty() && type != "chat" && type != "normal") return false;
  if (hasNoStoreHint(message)) return false;
  return message.child("body", message.ns()) != nullptr;
}

bool hasNoStoreHint(const xml::Element& message) {
  for (const auto& child : message.children()) {
    if (child.ns() == kHintsNs &&
        (child.name() == "no-store" || child.name() == "no-permanent-store")) {
      return true;
    }
  }
  return false;
}

std::size_t stripLocalStanzaIds(xml::Element& message,
                                const std::function<bool(std::string_view)>& isLocalDomain) {
  return std::erase_if(message.nodes(), [&](const xml::Node& node) {
    const xml::Element* el = node.asElement();
    return el != nullptr && el->is("stanza-id", kStanzaIdNs) &&
           isLocalDomain(domainOf(el->attr("by")));
  });
}

const xml::Element* stanzaIdBy(const xml::Element& message, std::string_view by) {
  for (const auto& child : message.children("stanza-id", kStanzaIdNs)) {
    if (child.attr("by") == by) return &child;
  }
  return nullptr;
}

void addStanzaId(xml::Element& message, std::string_view by, std::string_view id) {
  auto& sid = message.addChild("stanza-id", std::string(kStanzaIdNs));
  sid.setAttr("by", by);
  sid.setAttr("id", id);
}

}  // namespace keyfed::archive
