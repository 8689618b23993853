#include "keyfed/xml/stored_element.hpp"

#include <optional>
#include <string>

#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::xml {
namespace {

// The stored element is parsed as the only stanza of a stream, so that the
// hardened stream parser (limits, restricted XML) is the only XML parser.
constexpr std::string_view kOpen =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
constexpr std::string_view kClose = "</stream:stream>";

class Collector final : public StreamHandler {
 public:
  void onStreamOpen(const StreamHeader&) override {}
  void onStanza(Element&& stanza) override {
    ++count;
    if (!element) element = std::move(stanza);
  }
  void onStreamClose() override {}

  std::optional<Element> element;
  std::size_t count = 0;
};

}  // namespace

base::Result<Element> parseStoredElement(std::string_view text, std::size_t maxBytes) {
  Collector collector;
  ParserLimits limits;
  limits.maxStanzaBytes = maxBytes;
  limits.maxTextBytes = maxBytes;
  limits.maxDepth = 64;
  limits.maxAttributes = 64;
  StreamParser parser(collector, limits);
  if (auto fed = parser.feed(kOpen); !fed) return base::fail(fed.error());
  if (auto fed = parser.feed(text); !fed) return base::fail(fed.error());
  if (auto fed = parser.feed(kClose); !fed) return base::fail(fed.error());
  if (!parser.closed() || collector.count != 1 || !collector.element) {
    return base::fail("xml.stored", "the stored text is not exactly one element");
  }
  return std::move(*collector.element);
}

}  // namespace keyfed::xml
