#include "keyfed/xml/writer.hpp"

#include <cstdint>
#include <vector>

#include "keyfed/base/utf8.hpp"

namespace keyfed::xml {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The UTF-8 sequence at s[i]: its length (1 for an invalid byte) and whether
// it encodes a character XML 1.0 allows.
struct Sequence {
  std::size_t length;
  bool allowed;
};

// Length of the valid UTF-8 sequence at s[i] encoding a character XML 1.0
// allows, or 0 when the bytes there are invalid or the character forbidden.
std::size_t validSequence(std::string_view s, std::size_t i);

Sequence sequenceAt(std::string_view s, std::size_t i) {
  std::size_t n = validSequence(s, i);
  if (n > 0) return {n, true};
  // A well-formed encoding of a forbidden character (U+FFFE, U+FFFF) is
  // replaced as a whole; anything else one byte at a time.
  if (i + 3 <= s.size() && s[i] == '\xEF' && s[i + 1] == '\xBF' &&
      (s[i + 2] == '\xBE' || s[i + 2] == '\xBF'))
    return {3, false};
  return {1, false};
}

std::size_t validSequence(std::string_view s, std::size_t i) {
  const std::size_t len = base::utf8SequenceLength(s, i);
  if (len == 3 && s[i] == '\xEF' && s[i + 1] == '\xBF' &&
      (s[i + 2] == '\xBE' || s[i + 2] == '\xBF'))
    return 0;
  return len;
}

// The escape for an ASCII byte, or empty when it is written as is.
// Characters a parser would normalise (CR in text, TAB/LF/CR in attribute
// values) are written as references so they survive a round trip.
std::string_view asciiEscape(unsigned char c, bool attribute) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '\r': return "&#xD;";
    case '"': return attribute ? std::string_view("&quot;") : std::string_view();
    case '\'': return attribute ? std::string_view("&apos;") : std::string_view();
    case '\n': return attribute ? std::string_view("&#xA;") : std::string_view();
    case '\t': return attribute ? std::string_view("&#x9;") : std::string_view();
    default: break;
  }
  if (c < 0x20) return kReplacement;  // control characters XML 1.0 forbids
  return {};
}

void escape(std::string_view s, std::string& out, bool attribute) {
  std::size_t runStart = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::string_view replacement;
    std::size_t advance = 1;
    if (c < 0x80) {
      replacement = asciiEscape(c, attribute);
    } else {
      Sequence seq = sequenceAt(s, i);
      advance = seq.length;
      if (!seq.allowed) replacement = kReplacement;
    }
    if (!replacement.empty()) {
      out.append(s.data() + runStart, i - runStart);
      out.append(replacement);
      runStart = i + advance;
    }
    i += advance;
  }
  out.append(s.data() + runStart, s.size() - runStart);
}

struct Writer {
  const WriteContext& context;
  std::string& out;

  std::string_view prefixFor(std::string_view uri) const {
    // The XML namespace is always bound to "xml" and may not be declared.
    if (uri == kXmlNamespace) return "xml";
    if (!context.defaultNs.empty() && uri == kStreamNamespace) return "stream";
    for (const Prefix& p : context.prefixes) {
      if (p.uri == uri) return p.prefix;
    }
    return {};
  }

  void attributes(const Element& e) {
    // Prefixes this element has to declare for qualified attributes.
    std::vector<Prefix> local;
    for (const Attribute& a : e.attributes()) {
      out += ' ';
      std::string_view name = a.name;
      if (!name.empty() && name.front() == '{') {
        // A URI may contain '}', a local name never does: split at the last one.
        auto close = name.rfind('}');
        std::string_view uri = name.substr(1, close == std::string_view::npos ? 0 : close - 1);
        std::string_view localName =
            close == std::string_view::npos ? name.substr(1) : name.substr(close + 1);
        std::string_view prefix = prefixFor(uri);
        if (prefix.empty()) {
          for (const Prefix& p : local) {
            if (p.uri == uri) prefix = p.prefix;
          }
        }
        if (prefix.empty()) {
          std::string fresh = "ns" + std::to_string(local.size() + 1);
          while (!prefixUriInContext(fresh).empty()) fresh += '_';
          local.push_back(Prefix{std::move(fresh), std::string(uri)});
          prefix = local.back().prefix;
          out += "xmlns:";
          out += prefix;
          out += "='";
          escape(uri, out, true);
          out += "' ";
        }
        out += prefix;
        out += ':';
        out += localName;
      } else {
        out += name;
      }
      out += "='";
      escape(a.value, out, true);
      out += '\'';
    }
  }

  // The declarations a stream header would have made, on a standalone element.
  void declareStandalone(std::string_view prefix, std::string_view childDefault,
                         std::string_view defaultNs) {
    if (prefix == "stream") {
      out += " xmlns:stream='";
      out += kStreamNamespace;
      out += '\'';
    }
    // In the stream's default namespace (a stanza), or a stream-level element
    // whose children may be in it: declare the client's namespace.
    if (childDefault == defaultNs && !defaultNs.empty()) {
      out += " xmlns='";
      escape(context.standaloneNs, out, true);
      out += '\'';
    }
  }

  std::string_view prefixUriInContext(std::string_view prefix) const {
    if (prefix == "stream") return kStreamNamespace;
    for (const Prefix& p : context.prefixes) {
      if (p.prefix == prefix) return p.uri;
    }
    return {};
  }

  void element(const Element& e, std::string_view defaultNs, bool root = false) {
    out += '<';
    std::string_view prefix;
    std::string_view childDefault = defaultNs;
    if (e.ns() != defaultNs) {
      prefix = prefixFor(e.ns());
      if (prefix.empty()) childDefault = e.ns();
    }
    if (!prefix.empty()) {
      out += prefix;
      out += ':';
    }
    out += e.name();
    if (prefix.empty() && childDefault != defaultNs) {
      out += " xmlns='";
      escape(e.ns(), out, true);
      out += '\'';
    }
    if (root && !context.standaloneNs.empty()) declareStandalone(prefix, childDefault, defaultNs);
    attributes(e);
    if (e.nodes().empty()) {
      out += "/>";
      return;
    }
    out += '>';
    // Recursion depth is bounded by the parser's maxDepth for received
    // stanzas; elements built by the server are shallow.
    for (const Node& n : e.nodes()) {
      if (const Element* c = n.asElement()) {
        element(*c, childDefault);
      } else {
        escape(n.text(), out, false);
      }
    }
    out += "</";
    if (!prefix.empty()) {
      out += prefix;
      out += ':';
    }
    out += e.name();
    out += '>';
  }
};

}  // namespace

void escapeText(std::string_view text, std::string& out) {
  escape(text, out, false);
}

void escapeAttribute(std::string_view value, std::string& out) {
  escape(value, out, true);
}

bool isValidXmlText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
    std::size_t n = validSequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void serialize(const Element& element, std::string& out, const WriteContext& context) {
  Writer w{context, out};
  w.element(element, context.defaultNs, true);
}

std::string toString(const Element& element, const WriteContext& context) {
  std::string out;
  serialize(element, out, context);
  return out;
}

void writeStreamHeader(const StreamHeader& header, std::string& out) {
  out += "<?xml version='1.0'?><stream:stream";
  if (!header.defaultNs.empty()) {
    out += " xmlns='";
    escape(header.defaultNs, out, true);
    out += '\'';
  }
  out += " xmlns:stream='";
  out += kStreamNamespace;
  out += '\'';
  for (const Prefix& p : header.prefixes) {
    if (p.prefix == "stream" || p.prefix.empty()) continue;
    out += " xmlns:";
    out += p.prefix;
    out += "='";
    escape(p.uri, out, true);
    out += '\'';
  }
  auto attribute = [&](std::string_view name, const std::string& value) {
    if (value.empty()) return;
    out += ' ';
    out += name;
    out += "='";
    escape(value, out, true);
    out += '\'';
  };
  attribute("to", header.to);
  attribute("from", header.from);
  attribute("id", header.id);
  attribute("version", header.version);
  attribute("xml:lang", header.lang);
  out += '>';
}

void writeStreamClose(std::string& out) {
  out += "</stream:stream>";
}

}  // namespace keyfed::xml
