#include "keyfed/xml/stream_parser.hpp"
#include "utf8_validator.hpp"

#include <expat.h>

#include <algorithm>
#include <exception>
#include <string>

namespace keyfed::xml {

namespace {

// Expat joins namespace URI, local name and prefix with this separator. It is
// a character XML 1.0 forbids, so it can never occur inside a URI or name.
constexpr char kSep = '\x01';
// Input is handed to expat in slices so the limits are checked while a huge
// element is still arriving, not after expat has buffered all of it.
constexpr std::size_t kSlice = 4096;

constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

struct ExpandedName {
  std::string_view uri;
  std::string_view local;
  std::string_view prefix;
};

ExpandedName splitName(const char* raw) {
  std::string_view s(raw);
  ExpandedName n;
  auto first = s.find(kSep);
  if (first == std::string_view::npos) {
    n.local = s;
    return n;
  }
  n.uri = s.substr(0, first);
  auto rest = s.substr(first + 1);
  auto second = rest.find(kSep);
  if (second == std::string_view::npos) {
    n.local = rest;
  } else {
    n.local = rest.substr(0, second);
    n.prefix = rest.substr(second + 1);
  }
  return n;
}

// Attribute names as documented on Attribute: plain, "xml:x", or "{uri}x".
std::string attributeName(const char* raw) {
  ExpandedName n = splitName(raw);
  if (n.uri.empty()) return std::string(n.local);
  std::string out;
  if (n.uri == kXmlNs) {
    out.reserve(4 + n.local.size());
    out += "xml:";
  } else {
    out.reserve(n.uri.size() + n.local.size() + 2);
    out += '{';
    out += n.uri;
    out += '}';
  }
  out += n.local;
  return out;
}

bool isXmlWhitespace(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view conditionName(StreamFault fault) {
  switch (fault) {
    case StreamFault::notWellFormed: return "not-well-formed";
    case StreamFault::restrictedXml: return "restricted-xml";
    case StreamFault::policyViolation: return "policy-violation";
    case StreamFault::invalidNamespace: return "invalid-namespace";
    case StreamFault::badNamespacePrefix: return "bad-namespace-prefix";
    case StreamFault::badFormat: return "bad-format";
    case StreamFault::unsupportedEncoding: return "unsupported-encoding";
    case StreamFault::internalServerError: return "internal-server-error";
  }
  return "undefined-condition";
}

std::string_view StreamHeader::attr(std::string_view name) const {
  for (const Attribute& a : attributes) {
    if (a.name == name) return a.value;
  }
  return {};
}

std::string_view StreamHeader::prefixUri(std::string_view prefix) const {
  for (const Prefix& p : prefixes) {
    if (p.prefix == prefix) return p.uri;
  }
  return {};
}

// Everything that touches expat. Callbacks are static functions receiving
// the Impl through expat's user data.
struct StreamParser::Impl {
  explicit Impl(StreamParser& owner) : owner_(owner) { create(); }
  ~Impl() {
    if (parser_ != nullptr) XML_ParserFree(parser_);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void create() {
    // The encoding argument forces UTF-8 whatever the document declares.
    parser_ = XML_ParserCreateNS("UTF-8", kSep);
    if (parser_ == nullptr) throw std::bad_alloc();
    install();
  }

  void resetDocument() {
    if (parser_ == nullptr) {
      create();
    } else if (XML_ParserReset(parser_, "UTF-8") == XML_FALSE) {
      XML_ParserFree(parser_);
      parser_ = nullptr;
      create();
    } else {
      install();
    }
    depth_ = 0;
    boundary_ = 0;
    indexBase_ = 0;
    rootPrefix_.clear();
    textBytes_ = 0;
    stack_.clear();
    stanza_ = Element();
    header_ = StreamHeader();
    pendingPrefixes_.clear();
    stopOffset_ = 0;
    inCallback_ = false;
    resetRequested_ = false;
  }

  void install() {
    XML_SetUserData(parser_, this);
    XML_SetReturnNSTriplet(parser_, XML_TRUE);
    XML_SetParamEntityParsing(parser_, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(parser_, &Impl::onStart, &Impl::onEnd);
    XML_SetCharacterDataHandler(parser_, &Impl::onText);
    XML_SetStartNamespaceDeclHandler(parser_, &Impl::onNamespace);
    XML_SetXmlDeclHandler(parser_, &Impl::onXmlDecl);
    // RFC 6120 11.1 restricted XML: refuse instead of ignoring, so a peer
    // learns at once that it is talking to something it cannot abuse.
    XML_SetStartDoctypeDeclHandler(parser_, &Impl::onDoctype);
    XML_SetEntityDeclHandler(parser_, &Impl::onEntityDecl);
    XML_SetProcessingInstructionHandler(parser_, &Impl::onPi);
    XML_SetCommentHandler(parser_, &Impl::onComment);
  }

  // Records the first fault and aborts expat after the current event.
  void fault(StreamFault f, std::string message) {
    if (owner_.fault_) return;
    owner_.fault_ = f;
    std::string where = "line " + std::to_string(XML_GetCurrentLineNumber(parser_)) + ", column " +
                        std::to_string(XML_GetCurrentColumnNumber(parser_));
    owner_.error_ =
        base::Error{"xml." + std::string(conditionName(f)), std::move(message), std::move(where)};
    XML_StopParser(parser_, XML_FALSE);
  }

  bool failed() const { return owner_.fault_.has_value(); }

  // Offsets in the peer's bytes of the current document; after a wake-up
  // expat also counted the replayed header, which indexBase_ takes back.
  std::uint64_t eventEnd() const {
    return static_cast<std::uint64_t>(indexBase_ +
                                      static_cast<std::int64_t>(XML_GetCurrentByteIndex(parser_)) +
                                      static_cast<std::int64_t>(XML_GetCurrentByteCount(parser_)));
  }

  // Between stanzas, and every byte fed so far has been parsed into events
  // (expat holds none back, e.g. half a tag).
  bool atBoundary() const {
    return owner_.headerSeen_ && !owner_.closed_ && !owner_.stopped_ && !failed() && depth_ == 1 &&
           boundary_ == owner_.bytesParsed_;
  }

  void hibernate() {
    XML_ParserFree(parser_);
    parser_ = nullptr;
    std::vector<Element*>().swap(stack_);
    std::vector<Prefix>().swap(pendingPrefixes_);
  }

  // A fresh expat parser, given the stream header again: the same root
  // qname (the end tag must match it) and namespace declarations, so that
  // the stanzas that follow resolve their prefixes as before.
  void wake() {
    create();
    std::string replay = "<";
    const StreamHeader& h = header_;
    if (!rootPrefix_.empty()) replay.append(rootPrefix_).append(":");
    replay.append("stream");
    if (!h.defaultNs.empty()) appendDeclaration(replay, "xmlns", h.defaultNs);
    for (const Prefix& p : h.prefixes) appendDeclaration(replay, "xmlns:" + p.prefix, p.uri);
    replay.append(">");
    replaying_ = true;
    const XML_Status status =
        XML_Parse(parser_, replay.data(), static_cast<int>(replay.size()), XML_FALSE);
    replaying_ = false;
    indexBase_ =
        static_cast<std::int64_t>(owner_.bytesParsed_) - static_cast<std::int64_t>(replay.size());
    if (status != XML_STATUS_OK && !failed()) {
      fault(StreamFault::internalServerError, "cannot resume the parser");
    }
  }

  static void appendDeclaration(std::string& out, std::string_view name, std::string_view uri) {
    out.append(" ").append(name).append("='");
    for (char c : uri) {  // the URI came out of expat decoded: escape it again
      switch (c) {
        case '&': out.append("&amp;"); break;
        case '<': out.append("&lt;"); break;
        case '\'': out.append("&apos;"); break;
        default: out.push_back(c);
      }
    }
    out.append("'");
  }

  // Runs a handler callback; an exception must not unwind through expat's C frames.
  template <class F>
  void guarded(F&& f) {
    inCallback_ = true;
    try {
      f();
    } catch (const std::exception& e) {
      fault(StreamFault::internalServerError, std::string("stream handler failed: ") + e.what());
    } catch (...) {
      fault(StreamFault::internalServerError, "stream handler failed");
    }
    inCallback_ = false;
  }

  static Impl& self(void* data) { return *static_cast<Impl*>(data); }

  static void XMLCALL onNamespace(void* data, const XML_Char* prefix, const XML_Char* uri) {
    Impl& s = self(data);
    if (s.failed() || s.depth_ != 0 || s.replaying_) return;
    s.pendingPrefixes_.push_back(
        Prefix{prefix != nullptr ? prefix : "", uri != nullptr ? uri : ""});
  }

  static void XMLCALL onStart(void* data, const XML_Char* name, const XML_Char** atts) {
    Impl& s = self(data);
    if (s.failed()) return;
    try {
      s.start(name, atts);
    } catch (const std::exception& e) {
      s.fault(StreamFault::internalServerError, std::string("out of resources: ") + e.what());
    }
  }

  static void XMLCALL onEnd(void* data, const XML_Char* /*name*/) {
    Impl& s = self(data);
    if (s.failed()) return;
    s.end();
  }

  static void XMLCALL onText(void* data, const XML_Char* text, int len) {
    Impl& s = self(data);
    if (s.failed() || len <= 0) return;
    try {
      s.characters(std::string_view(text, static_cast<std::size_t>(len)));
    } catch (const std::exception& e) {
      s.fault(StreamFault::internalServerError, std::string("out of resources: ") + e.what());
    }
  }

  static void XMLCALL onXmlDecl(void* data, const XML_Char* version, const XML_Char* encoding,
                                int /*standalone*/) {
    Impl& s = self(data);
    if (s.failed()) return;
    if (version != nullptr && std::string_view(version) != "1.0") {
      s.fault(StreamFault::badFormat, "only XML 1.0 is supported");
    } else if (encoding != nullptr && !equalsIgnoreCase(encoding, "UTF-8")) {
      s.fault(StreamFault::unsupportedEncoding,
              "encoding '" + std::string(encoding).substr(0, 40) + "' is not UTF-8");
    }
  }

  static void XMLCALL onDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*,
                                int) {
    self(data).fault(StreamFault::restrictedXml, "document type declarations are not allowed");
  }
  static void XMLCALL onEntityDecl(void* data, const XML_Char*, int, const XML_Char*, int,
                                   const XML_Char*, const XML_Char*, const XML_Char*,
                                   const XML_Char*) {
    self(data).fault(StreamFault::restrictedXml, "entity declarations are not allowed");
  }
  static void XMLCALL onPi(void* data, const XML_Char*, const XML_Char*) {
    self(data).fault(StreamFault::restrictedXml, "processing instructions are not allowed");
  }
  static void XMLCALL onComment(void* data, const XML_Char*) {
    self(data).fault(StreamFault::restrictedXml, "comments are not allowed");
  }

  void start(const XML_Char* rawName, const XML_Char** atts) {
    const ParserLimits& limits = owner_.limits_;
    std::size_t attCount = 0;
    while (atts[2 * attCount] != nullptr) ++attCount;
    if (attCount > limits.maxAttributes) {
      fault(StreamFault::policyViolation, "element has " + std::to_string(attCount) +
                                              " attributes, the limit is " +
                                              std::to_string(limits.maxAttributes));
      return;
    }
    ExpandedName n = splitName(rawName);
    if (replaying_) {  // the header seen before hibernate(): checked and reported then
      depth_ = 1;
      return;
    }
    if (depth_ == 0) {
      openStream(n, atts);
      return;
    }
    if (depth_ > limits.maxDepth) {
      fault(StreamFault::policyViolation,
            "elements nested deeper than " + std::to_string(limits.maxDepth));
      return;
    }
    Element* target = nullptr;
    if (depth_ == 1) {
      stanza_ = Element(std::string(n.local), std::string(n.uri));
      textBytes_ = 0;
      target = &stanza_;
    } else {
      // Children mostly share their parent's namespace: copy it from there.
      Element* parent = stack_.back();
      target = n.uri == parent->ns() ? &parent->addChild(std::string(n.local), parent->ns())
                                     : &parent->addChild(std::string(n.local), std::string(n.uri));
    }
    if (attCount > 0) {
      target->reserveAttributes(attCount);
      for (std::size_t i = 0; i < attCount; ++i) {
        target->setAttr(attributeName(atts[2 * i]), atts[2 * i + 1]);
      }
    }
    stack_.push_back(target);
    ++depth_;
  }

  void openStream(const ExpandedName& n, const XML_Char** atts) {
    const ParserLimits& limits = owner_.limits_;
    if (eventEnd() > limits.maxHeaderBytes) {
      fault(StreamFault::policyViolation,
            "stream header longer than " + std::to_string(limits.maxHeaderBytes) + " bytes");
      return;
    }
    if (n.uri != kStreamNamespace) {
      fault(StreamFault::invalidNamespace,
            "stream root is not in the namespace " + std::string(kStreamNamespace));
      return;
    }
    if (n.local != "stream") {
      fault(StreamFault::badFormat, "stream root element is not <stream>");
      return;
    }
    StreamHeader& h = header_;
    rootPrefix_ = n.prefix;
    for (Prefix& p : pendingPrefixes_) {
      if (p.prefix.empty()) {
        h.defaultNs = std::move(p.uri);
      } else {
        h.prefixes.push_back(std::move(p));
      }
    }
    pendingPrefixes_.clear();
    if (h.defaultNs == kStreamNamespace) {
      fault(StreamFault::invalidNamespace,
            "the content namespace must not be the stream namespace");
      return;
    }
    const auto& allowed = limits.contentNamespaces;
    if (!allowed.empty() &&
        std::find(allowed.begin(), allowed.end(), h.defaultNs) == allowed.end()) {
      fault(StreamFault::invalidNamespace,
            h.defaultNs.empty()
                ? std::string("no content namespace declared")
                : "content namespace '" + h.defaultNs.substr(0, 100) + "' is not supported here");
      return;
    }
    for (std::size_t i = 0; atts[i] != nullptr; i += 2) {
      Attribute a{attributeName(atts[i]), atts[i + 1]};
      if (a.name == "to")
        h.to = a.value;
      else if (a.name == "from")
        h.from = a.value;
      else if (a.name == "id")
        h.id = a.value;
      else if (a.name == "version")
        h.version = a.value;
      else if (a.name == "xml:lang")
        h.lang = a.value;
      h.attributes.push_back(std::move(a));
    }
    depth_ = 1;
    boundary_ = eventEnd();
    owner_.headerSeen_ = true;
    guarded([&] { owner_.handler_.onStreamOpen(header_); });
  }

  void end() {
    if (depth_ == 1) {
      depth_ = 0;
      owner_.closed_ = true;
      guarded([&] { owner_.handler_.onStreamClose(); });
      return;
    }
    stack_.pop_back();
    --depth_;
    if (depth_ != 1) return;
    std::uint64_t endAt = eventEnd();
    if (endAt - boundary_ > owner_.limits_.maxStanzaBytes) {
      fault(StreamFault::policyViolation,
            "stanza larger than " + std::to_string(owner_.limits_.maxStanzaBytes) + " bytes");
      return;
    }
    boundary_ = endAt;
    guarded([&] { owner_.handler_.onStanza(std::move(stanza_)); });
    stanza_ = Element();
  }

  void characters(std::string_view text) {
    if (depth_ == 1) {
      if (!isXmlWhitespace(text)) {
        fault(StreamFault::badFormat, "character data between stanzas");
        return;
      }
      boundary_ = eventEnd();
      guarded([&] { owner_.handler_.onWhitespace(); });
      return;
    }
    if (depth_ < 1) return;  // expat reports nothing outside the root
    textBytes_ += text.size();
    if (textBytes_ > owner_.limits_.maxTextBytes) {
      fault(StreamFault::policyViolation,
            "stanza text longer than " + std::to_string(owner_.limits_.maxTextBytes) + " bytes");
      return;
    }
    stack_.back()->addText(text);
  }

  StreamParser& owner_;
  XML_Parser parser_ = nullptr;
  std::size_t depth_ = 0;       // open elements, the stream root included
  std::uint64_t boundary_ = 0;  // offset where the pending stanza's bytes begin
  std::int64_t indexBase_ = 0;  // expat's offset 0 in the peer's bytes (see wake())
  std::string rootPrefix_;      // "stream" in <stream:stream>
  bool replaying_ = false;      // wake() is feeding the stored header
  Utf8Validator utf8_;
  std::size_t textBytes_ = 0;
  std::vector<Element*> stack_;  // open elements of the stanza being built
  Element stanza_;
  StreamHeader header_;
  std::vector<Prefix> pendingPrefixes_;
  std::uint64_t stopOffset_ = 0;
  bool inCallback_ = false;
  bool resetRequested_ = false;
};

StreamParser::StreamParser(StreamHandler& handler, ParserLimits limits)
    : handler_(handler), limits_(std::move(limits)), impl_(std::make_unique<Impl>(*this)) {}

StreamParser::~StreamParser() = default;

bool StreamParser::hibernate() {
  if (impl_->parser_ == nullptr) return true;
  if (impl_->inCallback_ || !impl_->atBoundary()) return false;
  impl_->hibernate();
  return true;
}

bool StreamParser::hibernating() const {
  return impl_->parser_ == nullptr;
}

void StreamParser::stop() {
  if (stopped_ || fault_) return;
  if (impl_->parser_ == nullptr) impl_->wake();
  stopped_ = true;
  impl_->stopOffset_ = impl_->eventEnd();
  XML_StopParser(impl_->parser_, XML_TRUE);
}

bool StreamParser::atStanzaBoundary() const {
  return impl_->atBoundary();
}

void StreamParser::reset() {
  if (impl_->inCallback_) {
    // From a callback: finish the current event, then restart (see feed()).
    if (fault_ || stopped_) return;
    impl_->resetRequested_ = true;
    stop();
    return;
  }
  impl_->resetDocument();
  impl_->utf8_.reset();
  fault_.reset();
  error_.reset();
  headerSeen_ = false;
  closed_ = false;
  stopped_ = false;
  unconsumed_ = 0;
  bytesParsed_ = 0;
}

base::Result<void> StreamParser::feed(std::string_view bytes) {
  if (error_) return base::fail(*error_);
  if (stopped_) return base::fail("xml.stopped", "the parser was stopped; reset() it first");
  unconsumed_ = 0;
  if (impl_->parser_ == nullptr && !bytes.empty()) {
    impl_->wake();
    if (error_) return base::fail(*error_);
  }
  while (!bytes.empty()) {
    std::size_t n = std::min(kSlice, bytes.size());
    if (!impl_->utf8_.feed(bytes.substr(0, n))) {
      impl_->fault(StreamFault::unsupportedEncoding, "the stream is not valid UTF-8");
      return base::fail(*error_);
    }
    XML_Status status = XML_Parse(impl_->parser_, bytes.data(), static_cast<int>(n), XML_FALSE);
    bytesParsed_ += n;
    bytes.remove_prefix(n);
    if (status == XML_STATUS_ERROR) {
      if (!fault_) {
        XML_Error code = XML_GetErrorCode(impl_->parser_);
        StreamFault f = StreamFault::notWellFormed;
        if (code == XML_ERROR_UNBOUND_PREFIX) f = StreamFault::badNamespacePrefix;
        if (code == XML_ERROR_UNDEFINED_ENTITY) f = StreamFault::restrictedXml;
        impl_->fault(f, XML_ErrorString(code));
      }
      return base::fail(*error_);
    }
    if (status == XML_STATUS_SUSPENDED) {
      std::size_t left = static_cast<std::size_t>(bytesParsed_ - impl_->stopOffset_);
      if (!impl_->resetRequested_) {
        unconsumed_ = left + bytes.size();
        bytesParsed_ = impl_->stopOffset_;
        return {};
      }
      // reset() from inside a callback: the rest of the input is the start
      // of a new document (a stream restart pipelined by the peer).
      std::string_view rest = std::string_view(bytes.data() - left, left + bytes.size());
      reset();
      bytes = rest;
      continue;
    }
    if (fault_) return base::fail(*error_);
    // Limits that must hold between events, while data is still arriving.
    if (!headerSeen_ && bytesParsed_ > limits_.maxHeaderBytes) {
      impl_->fault(
          StreamFault::policyViolation,
          "stream header longer than " + std::to_string(limits_.maxHeaderBytes) + " bytes");
      return base::fail(*error_);
    }
    if (headerSeen_ && !closed_ && bytesParsed_ - impl_->boundary_ > limits_.maxStanzaBytes) {
      impl_->fault(StreamFault::policyViolation,
                   "stanza larger than " + std::to_string(limits_.maxStanzaBytes) + " bytes");
      return base::fail(*error_);
    }
  }
  return {};
}

}  // namespace keyfed::xml
