#include "keyfed/xml/parse_element.hpp"

#include <optional>
#include <string>

#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::xml {
namespace {

// The element is parsed as the only stanza of a stream whose header we write.
class OneElement final : public StreamHandler {
 public:
  void onStreamOpen(const StreamHeader&) override {}
  void onStanza(Element&& stanza) override {
    ++count;
    element = std::move(stanza);
  }
  void onStreamClose() override {}

  std::optional<Element> element;
  int count = 0;
};

base::Failure stored(std::string message) {
  return base::fail("xml.stored", std::move(message));
}

}  // namespace

base::Result<Element> parseElement(std::string_view text, std::size_t maxBytes,
                                   std::string_view defaultNs) {
  if (text.size() > maxBytes) return stored("stored element larger than its limit");
  ParserLimits limits;
  limits.maxStanzaBytes = maxBytes;
  limits.maxTextBytes = maxBytes;
  limits.maxDepth = 1024;
  limits.maxAttributes = 1024;
  OneElement handler;
  StreamParser parser(handler, limits);
  std::string header = "<stream:stream xmlns='";
  header += defaultNs;
  header += "' xmlns:stream='http://etherx.jabber.org/streams'>";
  if (auto fed = parser.feed(header); !fed) return stored(fed.error().message);
  if (auto fed = parser.feed(text); !fed) return stored(fed.error().message);
  if (handler.count != 1 || !handler.element) {
    return stored("stored text is not exactly one complete element");
  }
  return std::move(*handler.element);
}

}  // namespace keyfed::xml
