// XEP-0124 <body/> reading and writing (docs/bosh.md).

#include "bosh_body.hpp"

#include <charconv>

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::c2s {
namespace {

// The body is read as the one element of a stream that this header opens.
constexpr std::string_view kDocumentHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
constexpr std::string_view kDocumentEnd = "</stream:stream>";
// XEP-0124 14.1: rid fits in 2^53 - 1 so that JavaScript clients can count.
constexpr std::uint64_t kMaxRid = (std::uint64_t{1} << 53U) - 1;

class BodyCollector final : public xml::StreamHandler {
 public:
  void onStreamOpen(const xml::StreamHeader& /*header*/) override {}
  void onStanza(xml::Element&& element) override {
    ++elements;
    if (elements == 1) body = std::move(element);
  }
  void onStreamClose() override { closed = true; }

  xml::Element body;
  int elements = 0;
  bool closed = false;
};

template <class Int>
std::optional<Int> number(std::string_view text, Int max) {
  Int value{};
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
  return value;
}

}  // namespace

base::Result<BoshBody> parseBoshBody(std::string_view bytes, const xml::ParserLimits& limits) {
  BodyCollector collector;
  xml::ParserLimits bodyLimits = limits;
  bodyLimits.maxDepth += 1;  // <body/> wraps the stanzas
  bodyLimits.contentNamespaces.clear();
  xml::StreamParser parser(collector, bodyLimits);
  for (std::string_view part : {kDocumentHeader, bytes, kDocumentEnd}) {
    if (auto fed = parser.feed(part); !fed) {
      return base::fail("bosh.bad-request",
                        "the body is not acceptable XML: " + std::string(fed.error().message));
    }
  }
  if (collector.elements != 1 || !collector.closed) {
    return base::fail("bosh.bad-request", "the request must be exactly one <body/>");
  }
  xml::Element& body = collector.body;
  if (!body.is("body", kBoshNs)) {
    return base::fail("bosh.bad-request",
                      "the root must be <body xmlns='http://jabber.org/protocol/httpbind'>");
  }
  BoshBody out;
  const auto rid = number<std::uint64_t>(body.attr("rid"), kMaxRid);
  if (!rid || *rid == 0) return base::fail("bosh.bad-request", "rid must be 1 to 2^53-1");
  out.rid = *rid;
  out.sid = std::string(body.attr("sid"));
  out.to = std::string(body.attr("to"));
  out.lang = std::string(body.attr("xml:lang"));
  out.ver = std::string(body.attr("ver"));
  out.xmppVersion = std::string(body.attr("{urn:xmpp:xbosh}version"));
  for (auto [name, field] : {std::pair{"wait", &out.wait}, std::pair{"hold", &out.hold}}) {
    if (!body.hasAttr(name)) continue;
    *field = number<std::uint32_t>(body.attr(name), 86400);
    if (!*field) return base::fail("bosh.bad-request", std::string(name) + " must be a number");
  }
  const std::string_view restart = body.attr("{urn:xmpp:xbosh}restart");
  out.restart = restart == "true" || restart == "1";
  out.terminate = body.attr("type") == "terminate";
  for (xml::Node& node : body.nodes()) {
    if (node.isText()) {
      // Only whitespace may sit between the payloads.
      if (node.text().find_first_not_of(" \t\r\n") != std::string::npos) {
        return base::fail("bosh.bad-request", "text outside a stanza");
      }
      continue;
    }
    xml::Element& payload = node.element();
    if (payload.ns() == kBoshNs) payload.setNs(std::string(xmpp::ns::client));
    out.payloads.push_back(std::move(payload));
  }
  return out;
}

void appendAttribute(std::string_view name, std::string_view value, std::string& out) {
  out += ' ';
  out += name;
  out += "='";
  xml::escapeAttribute(value, out);
  out += '\'';
}

void writeBoshBody(std::string_view attributes, std::string_view payloads, std::string& out) {
  out += "<body xmlns='";
  out += kBoshNs;
  out += "' xmlns:xmpp='";
  out += kXboshNs;
  out += "' xmlns:stream='";
  out += xml::kStreamNamespace;
  out += '\'';
  out += attributes;
  if (payloads.empty()) {
    out += "/>";
    return;
  }
  out += '>';
  out += payloads;
  out += "</body>";
}

}  // namespace keyfed::modules::c2s
