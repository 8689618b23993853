#include "keyfed/xml/stored_element.hpp"

#include <optional>
#include <string>

#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::xml {
namespace {

constexpr std::string_view kClose = "</stream:stream>";
// The largest depth and attribute count [limits] accepts.
constexpr std::size_t kMaxDepth = 1024;
constexpr std::size_t kMaxAttributes = 1024;

// The stored element is parsed as the only stanza of a stream whose header we
// write, so that the hardened stream parser is the only XML parser.
class OneElement final : public StreamHandler {
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

base::Failure stored(std::string message) {
  return base::fail("xml.stored", std::move(message));
}

}  // namespace

base::Result<Element> parseStoredElement(std::string_view text, std::size_t maxBytes,
                                         std::string_view defaultNs) {
  if (text.size() > maxBytes) return stored("the stored element is larger than its limit");
  ParserLimits limits;
  limits.maxStanzaBytes = maxBytes;
  limits.maxTextBytes = maxBytes;
  limits.maxDepth = kMaxDepth;
  limits.maxAttributes = kMaxAttributes;
  OneElement handler;
  StreamParser parser(handler, limits);
  std::string header = "<stream:stream xmlns='";
  header += defaultNs;
  header += "' xmlns:stream='http://etherx.jabber.org/streams'>";
  for (std::string_view part : {std::string_view(header), text, kClose}) {
    if (auto fed = parser.feed(part); !fed) return stored(fed.error().message);
  }
  if (!parser.closed() || handler.count != 1 || !handler.element) {
    return stored("the stored text is not exactly one complete element");
  }
  return std::move(*handler.element);
}

}  // namespace keyfed::xml
