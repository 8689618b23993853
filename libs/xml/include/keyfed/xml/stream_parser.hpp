#pragma once
// A push parser for one XMPP stream (RFC 6120 section 4) over expat. Bytes go in
// as they arrive from the network, in pieces of any size; the handler hears the
// stream header, each complete depth-1 element (stanzas and nonzas such as
// <starttls/>), whitespace keepalives and the closing tag.
//
// Everything here is untrusted input: every dimension has a hard limit, the
// restricted XML subset of RFC 6120 section 11.1 is enforced (no DTD, entity
// declarations, processing instructions or comments; only the five predefined
// entities and character references), and a refusal carries the RFC 6120 stream
// error condition to send. Nothing throws on input. After a refusal the parser
// stays failed: feed() returns the same error until reset().

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyfed::xml {

// Why the parser refused the stream, named after the RFC 6120 section 4.9.3
// stream error condition the peer should receive.
enum class StreamFault {
  notWellFormed,        // malformed XML                                 -> <not-well-formed/>
  restrictedXml,        // DTD, entity declaration, PI, comment          -> <restricted-xml/>
  policyViolation,      // a configured limit was exceeded               -> <policy-violation/>
  invalidNamespace,     // stream root not in the stream namespace, or
                        // content namespace not allowed                 -> <invalid-namespace/>
  badNamespacePrefix,   // undeclared prefix (no xmlns:stream)            -> <bad-namespace-prefix/>
  badFormat,            // root is not <stream>, text at stream level    -> <bad-format/>
  unsupportedEncoding,  // bytes not UTF-8, or another encoding declared -> <unsupported-encoding/>
  internalServerError,  // a handler callback threw                      -> <internal-server-error/>
};

// The RFC 6120 condition element name, e.g. "restricted-xml".
std::string_view conditionName(StreamFault fault);

struct ParserLimits {
  // Raw input bytes of one depth-1 element, counted from the byte after the
  // previous stanza (so a huge start tag is refused before it completes).
  // RFC 6120 13.12: at least 10,000 bytes; 256 KiB is the c2s default.
  std::size_t maxStanzaBytes = 256UL * 1024;
  // Element depth inside a stanza; the stanza element itself is depth 1.
  std::size_t maxDepth = 32;
  // Attributes on any one element (the stream header included).
  std::size_t maxAttributes = 32;
  // Character data (after entity decoding) summed over one stanza.
  std::size_t maxTextBytes = 128UL * 1024;
  // Bytes from the start of the document to the end of the stream header.
  std::size_t maxHeaderBytes = 4096;
  // Default (content) namespaces a stream header may declare; empty = any.
  std::vector<std::string> contentNamespaces;
};

inline constexpr std::string_view kStreamNamespace = "http://etherx.jabber.org/streams";

// A namespace prefix binding, e.g. ("db", "jabber:server:dialback").
struct Prefix {
  std::string prefix;
  std::string uri;
  bool operator==(const Prefix&) const = default;
};

// The opening <stream:stream> tag, as received or to be written.
struct StreamHeader {
  std::string defaultNs;  // content namespace: jabber:client, jabber:server, ...
  std::string to;
  std::string from;
  std::string id;
  std::string version;
  std::string lang;  // xml:lang
  // Prefixed namespace declarations on the root, e.g. ("stream", kStreamNamespace),
  // ("db", "jabber:server:dialback").
  std::vector<Prefix> prefixes;
  // Every attribute of the root element (names as in Attribute), in order.
  std::vector<Attribute> attributes;

  std::string_view attr(std::string_view name) const;
  // The URI bound to a prefix on the root, or "" when undeclared.
  std::string_view prefixUri(std::string_view prefix) const;
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void onStreamOpen(const StreamHeader& header) = 0;
  // A complete depth-1 element. The element is the handler's to keep.
  virtual void onStanza(Element&& stanza) = 0;
  // The peer sent </stream:stream>.
  virtual void onStreamClose() = 0;
  // Whitespace between stanzas (keepalive, RFC 6120 4.6.1).
  virtual void onWhitespace() {}
};

class StreamParser {
 public:
  // The handler must outlive the parser.
  explicit StreamParser(StreamHandler& handler, ParserLimits limits = {});
  ~StreamParser();
  StreamParser(const StreamParser&) = delete;
  StreamParser& operator=(const StreamParser&) = delete;

  // Parses the next bytes of the stream; they may split tokens anywhere.
  // Returns an error (code "xml.<condition>", message, where "line L, column C")
  // when the stream must be closed with the stream error fault().
  base::Result<void> feed(std::string_view bytes);

  // Called from a handler callback: stop parsing after the current event, e.g.
  // after <starttls/>, when the following bytes belong to the TLS handshake
  // and must never be read as XML. feed() then returns success, unconsumed()
  // says how many bytes of that feed() were not parsed, and further feed()
  // calls fail ("xml.stopped") until reset().
  void stop();
  bool stopped() const { return stopped_; }
  std::size_t unconsumed() const { return unconsumed_; }

  // Starts a fresh XML document (stream restart after STARTTLS or SASL) and
  // clears any fault. Called from inside a handler callback (e.g. on SASL
  // <success/>), the restart happens after the current event and the rest of
  // that feed() is parsed as the new document; after <starttls/> use stop()
  // instead, since the following bytes are TLS, not XML.
  void reset();

  // Frees the expat parser (about 12 KiB once a stream has carried a few
  // stanzas) while the peer is quiet, and returns true; the next feed()
  // creates a fresh one and replays the stream header into it (without
  // telling the handler again), so parsing goes on as if nothing happened.
  // Only between stanzas with no byte held back: otherwise it does nothing
  // and returns false. Line and column numbers in later errors count from
  // the wake-up. Meant for idle connections: waking costs a parser creation.
  bool hibernate();
  bool hibernating() const;

  bool headerSeen() const { return headerSeen_; }
  // Whether the stream is open, no stanza is partly parsed and expat holds no
  // byte back (RFC 7395 framing checks that a WebSocket message held whole
  // elements only).
  bool atStanzaBoundary() const;
  bool closed() const { return closed_; }
  std::optional<StreamFault> fault() const { return fault_; }
  const ParserLimits& limits() const { return limits_; }
  // Total bytes parsed in the current document.
  std::uint64_t bytesParsed() const { return bytesParsed_; }

 private:
  struct Impl;
  friend struct Impl;

  StreamHandler& handler_;
  ParserLimits limits_;
  std::unique_ptr<Impl> impl_;
  std::optional<StreamFault> fault_;
  std::optional<base::Error> error_;
  bool headerSeen_ = false;
  bool closed_ = false;
  bool stopped_ = false;
  std::size_t unconsumed_ = 0;
  std::uint64_t bytesParsed_ = 0;
};

}  // namespace keyfed::xml
