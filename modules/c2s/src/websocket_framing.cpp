// RFC 7395 framing: one XML element per WebSocket message (docs/websocket.md).
//
// The messages are parsed as one continuous document, so the parser, its
// limits and its restricted-XML checks are the very ones TCP streams use: a
// fixed stream header is fed once, then each message as it comes. The framing
// sits between the parser and the session: <open/> becomes onStreamOpen,
// <close/> onStreamClose, and a message must hold exactly one whole element.

#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "stream_framing.hpp"

namespace keyfed::modules::c2s {
namespace {

constexpr std::string_view kFramingNs = "urn:ietf:params:xml:ns:xmpp-framing";
// Opens the document the messages continue; never sent by the client.
constexpr std::string_view kDocumentHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

bool isXmlSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && isXmlSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isXmlSpace(s.back())) s.remove_suffix(1);
  return s;
}

class WebSocketFraming final : public StreamFraming, private xml::StreamHandler {
 public:
  WebSocketFraming(xml::StreamHandler& session, xml::ParserLimits limits)
      : session_(session), parser_(*this, std::move(limits)) {}

  base::Result<void> feed(std::string_view message) override {
    if (fault_) return base::fail("xml.bad-format", std::string(why_));
    if (!parser_.headerSeen()) {
      if (auto opened = parser_.feed(kDocumentHeader); !opened) return opened;
    }
    const std::string_view element = trimmed(message);
    // Whitespace alone: nothing to parse (RFC 7395 keepalives are pings).
    if (element.empty()) return {};
    if (element.front() != '<' || element.back() != '>') {
      return fail("a WebSocket message must hold one complete XML element");
    }
    elements_ = 0;
    auto fed = parser_.feed(element);
    if (!fed || fault_) return fed ? fail(why_) : fed;
    if (elements_ != 1 || !parser_.atStanzaBoundary()) {
      return fail("a WebSocket message must hold exactly one complete XML element");
    }
    return {};
  }

  [[nodiscard]] std::optional<xml::StreamFault> fault() const override {
    if (fault_) return fault_;
    return parser_.fault();
  }

  void restart() override { expectOpen_ = true; }
  bool stopForTls() override { return false; }

  bool hibernate() override { return parser_.hibernate(); }
  [[nodiscard]] bool hibernating() const override { return parser_.hibernating(); }

  void writeOpen(const xml::StreamHeader& header, std::string& out) const override {
    out += "<open xmlns='";
    out += kFramingNs;
    out += '\'';
    attribute("from", header.from, out);
    attribute("id", header.id, out);
    attribute("version", header.version, out);
    attribute("xml:lang", header.lang, out);
    out += "/>";
  }

  void writeElement(const xml::Element& element, std::string_view defaultNs,
                    std::string& out) const override {
    xml::serialize(element, out, xml::WriteContext{defaultNs, {}, xmpp::ns::client});
  }

  void writeClose(std::string& out) const override {
    out += "<close xmlns='";
    out += kFramingNs;
    out += "'/>";
  }

 private:
  static void attribute(std::string_view name, std::string_view value, std::string& out) {
    if (value.empty()) return;
    out += ' ';
    out += name;
    out += "='";
    xml::escapeAttribute(value, out);
    out += '\'';
  }

  base::Result<void> fail(std::string_view why) {
    fault_ = xml::StreamFault::badFormat;
    why_ = why;
    return base::fail("xml.bad-format", std::string(why));
  }

  // xml::StreamHandler: the parser's events, translated for the session.
  void onStreamOpen(const xml::StreamHeader& /*documentHeader*/) override {}

  void onStanza(xml::Element&& element) override {
    if (fault_ || ++elements_ > 1) return;  // feed() refuses the message
    if (element.ns() == kFramingNs) {
      framing(element);
      return;
    }
    if (expectOpen_) {
      fault_ = xml::StreamFault::badFormat;
      why_ = "the stream starts with <open/>";
      return;
    }
    session_.onStanza(std::move(element));
  }

  void framing(const xml::Element& element) {
    if (element.name() == "open" && expectOpen_) {
      expectOpen_ = false;
      // Not kept: the session reads what it needs while opening.
      xml::StreamHeader header;
      header.defaultNs = std::string(xmpp::ns::client);
      header.to = std::string(element.attr("to"));
      header.from = std::string(element.attr("from"));
      header.id = std::string(element.attr("id"));
      header.version = std::string(element.attr("version"));
      header.lang = std::string(element.attr("xml:lang"));
      session_.onStreamOpen(header);
      return;
    }
    if (element.name() == "close" && !expectOpen_) {
      session_.onStreamClose();
      return;
    }
    fault_ = xml::StreamFault::badFormat;
    why_ = element.name() == "open" ? "<open/> only starts or restarts a stream"
                                    : "unexpected framing element";
  }

  void onStreamClose() override {}

  xml::StreamHandler& session_;
  xml::StreamParser parser_;
  std::optional<xml::StreamFault> fault_;
  std::string_view why_;  // static text only
  int elements_ = 0;
  bool expectOpen_ = true;
};

}  // namespace

std::unique_ptr<StreamFraming> makeWebSocketFraming(xml::StreamHandler& handler,
                                                    xml::ParserLimits limits) {
  return std::make_unique<WebSocketFraming>(handler, std::move(limits));
}

}  // namespace keyfed::modules::c2s
