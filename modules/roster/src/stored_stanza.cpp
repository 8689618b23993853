#include "stored_stanza.hpp"

#include <utility>

#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::roster {
namespace {

std::optional<xml::Element> parseOne(std::string_view text, std::size_t maxBytes) {
  auto parsed = xml::parseStoredElement(text, maxBytes);
  if (!parsed || parsed->name() != "presence") return std::nullopt;
  return std::move(*parsed);
}

}  // namespace

std::string serializeRequest(const xml::Element& stanza, std::size_t maxBytes) {
  std::string text = xml::toString(stanza);
  if (text.size() > maxBytes) return {};
  return text;
}

xml::Element storedRequest(std::string_view text, std::string_view contact, std::string_view user,
                           std::size_t maxBytes) {
  auto parsed = parseOne(text, maxBytes);
  xml::Element request =
      parsed ? std::move(*parsed) : xml::Element("presence", std::string(xmpp::ns::client));
  // Whatever the row says, this is a subscription request from the contact.
  request.setAttr("type", "subscribe");
  request.setAttr("from", contact);
  request.setAttr("to", user);
  return request;
}

}  // namespace keyfed::modules::roster
