// StreamParser with small limits, fed in pieces whose sizes come from the
// input. Beyond "no crash", it checks two properties on every stanza:
//  - the element tree respects the configured limits, and
//  - serialising it and parsing the result gives the same tree (round trip).

#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xml/writer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using keyfed::xml::Element;
using keyfed::xml::StreamHeader;

std::size_t depthOf(const Element& e) {
  std::size_t d = 0;
  for (const auto& n : e.nodes()) {
    if (const Element* c = n.asElement()) d = std::max(d, depthOf(*c));
  }
  return d + 1;
}

struct Collect : keyfed::xml::StreamHandler {
  std::vector<Element> stanzas;
  void onStreamOpen(const StreamHeader&) override {}
  void onStanza(Element&& e) override { stanzas.push_back(std::move(e)); }
  void onStreamClose() override {}
};

void checkRoundTrip(const Element& e) {
  std::string doc =
      "<stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams'>";
  keyfed::xml::serialize(e, doc, keyfed::xml::WriteContext{"jabber:client", {}});
  Collect c;
  keyfed::xml::ParserLimits big;
  big.maxStanzaBytes = 1 << 24;
  big.maxTextBytes = 1 << 24;
  big.maxDepth = 64;
  big.maxAttributes = 64;
  keyfed::xml::StreamParser p(c, big);
  auto r = p.feed(doc);
  if (!r || c.stanzas.size() != 1 || !(c.stanzas[0] == e)) std::abort();
}

struct Handler : keyfed::xml::StreamHandler {
  keyfed::xml::StreamParser* parser = nullptr;
  const keyfed::xml::ParserLimits* limits = nullptr;

  void onStreamOpen(const StreamHeader& h) override {
    std::string out;
    keyfed::xml::writeStreamHeader(h, out);
  }
  void onStanza(Element&& e) override {
    if (depthOf(e) > limits->maxDepth) std::abort();
    if (e.attributes().size() > limits->maxAttributes) std::abort();
    checkRoundTrip(e);
    // Exercise the restart paths the server uses.
    if (e.name() == "starttls") parser->stop();
    if (e.name() == "success") parser->reset();
  }
  void onStreamClose() override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  keyfed::xml::ParserLimits limits;
  limits.maxStanzaBytes = 4096;
  limits.maxDepth = 8;
  limits.maxAttributes = 8;
  limits.maxTextBytes = 2048;
  limits.maxHeaderBytes = 512;
  Handler h;
  h.limits = &limits;
  keyfed::xml::StreamParser parser(h, limits);
  h.parser = &parser;
  // The first byte picks the piece size (1..64, 0 = all at once).
  std::size_t piece = data[0] % 65;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  if (piece == 0) piece = in.size() + 1;
  while (!in.empty()) {
    std::size_t n = std::min(piece, in.size());
    auto r = parser.feed(in.substr(0, n));
    in.remove_prefix(n);
    if (!r) {
      // A refused stream stays refused.
      if (parser.feed("<a/>")) std::abort();
      break;
    }
    if (parser.stopped()) {
      if (parser.unconsumed() > n) std::abort();
      parser.reset();
    }
  }
  return 0;
}
