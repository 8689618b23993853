#include "stored_stanza.hpp"

#include <utility>

#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::roster {
namespace {

// libs/xml has no one-element parser: the element is the only stanza of a
// stream whose header we write ourselves.
constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

class OneElement final : public xml::StreamHandler {
 public:
  void onStreamOpen(const xml::StreamHeader&) override {}
  void onStanza(xml::Element&& stanza) override {
    ++count;
    element = std::move(stanza);
  }
  void onStreamClose() override {}

  std::optional<xml::Element> element;
  int count = 0;
};

std::optional<xml::Element> parseOne(std::string_view text, std::size_t maxBytes) {
  if (text.empty() || text.size() > maxBytes) return std::nullopt;
  xml::ParserLimits limits;
  limits.maxStanzaBytes = maxBytes;
  limits.maxTextBytes = maxBytes;
  OneElement handler;
  xml::StreamParser parser(handler, limits);
  if (!parser.feed(kHeader) || !parser.feed(text)) return std::nullopt;
  if (handler.count != 1 || !handler.element) return std::nullopt;
  if (handler.element->name() != "presence") return std::nullopt;
  return std::move(handler.element);
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
