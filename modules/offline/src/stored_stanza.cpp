#include "stored_stanza.hpp"

#include <optional>
#include <string>

#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::offline {
namespace {

// There is no one-element parser in libs/xml: the element is parsed as the
// only stanza of a stream whose header we write ourselves.
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

base::Failure corrupt(std::string message) {
  return base::fail("offline.corrupt", std::move(message));
}

}  // namespace

std::string serializeStanza(const xml::Element& stanza) {
  return xml::toString(stanza);
}

base::Result<xml::Element> parseStoredStanza(std::string_view text, std::size_t maxBytes) {
  if (text.size() > maxBytes) return corrupt("stored stanza larger than the storage limit");
  xml::ParserLimits limits;
  limits.maxStanzaBytes = maxBytes;
  limits.maxTextBytes = maxBytes;
  // The largest values the configuration accepts (docs/config.md, [limits]):
  // whatever the c2s parser let through under any configuration parses here.
  limits.maxDepth = 1024;
  limits.maxAttributes = 1024;
  OneElement handler;
  xml::StreamParser parser(handler, limits);
  if (auto fed = parser.feed(kHeader); !fed) return corrupt(fed.error().message);
  if (auto fed = parser.feed(text); !fed) return corrupt(fed.error().message);
  if (handler.count != 1 || !handler.element) {
    return corrupt("stored text is not exactly one complete element");
  }
  return std::move(*handler.element);
}

}  // namespace keyfed::modules::offline
