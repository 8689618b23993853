#include "stored_stanza.hpp"

#include <optional>
#include <string>

#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::offline {
namespace {

base::Failure corrupt(std::string message) {
  return base::fail("offline.corrupt", std::move(message));
}

}  // namespace

std::string serializeStanza(const xml::Element& stanza) {
  return xml::toString(stanza);
}

base::Result<xml::Element> parseStoredStanza(std::string_view text, std::size_t maxBytes) {
  auto parsed = xml::parseStoredElement(text, maxBytes);
  if (!parsed) return corrupt(std::move(parsed).error().message);
  return parsed;
}

}  // namespace keyfed::modules::offline
