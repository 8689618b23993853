#pragma once
// Serialisation of elements and stream headers. All output goes through the
// escaping functions here, never through string concatenation of raw values.
//
// Namespaces are written relative to the stream they go into: a jabber:client
// stanza inside a jabber:client stream carries no xmlns attribute, a child in
// another namespace gets xmlns='...', and namespaces bound to a prefix on the
// stream header (stream:, db:) are written with that prefix.

#include "keyfed/xml/element.hpp"
#include "keyfed/xml/stream_parser.hpp"

#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace keyfed::xml {

inline constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";

// The namespace scope an element is written into. Inside a stream (defaultNs
// not empty) the stream namespace is always written with the "stream" prefix,
// which writeStreamHeader always declares.
struct WriteContext {
  std::string_view defaultNs;        // the stream's default namespace ("" outside a stream)
  std::span<const Prefix> prefixes;  // other prefixes declared on the stream header
  // Not empty: the element stands alone, one per WebSocket message (RFC 7395
  // 3.3.3), written as it would be inside the stream and with the declarations
  // the stream header would have made on its start tag: xmlns=standaloneNs
  // (the client's namespace, also for a stanza in defaultNs jabber:server),
  // and xmlns:stream when it is a stream-level element (<stream:features>).
  std::string_view standaloneNs = {};
};

// The context for stanzas written into a stream opened with this header
// (refers to the header's strings: keep the header alive).
inline WriteContext writeContextFor(const StreamHeader& header) {
  return WriteContext{header.defaultNs, header.prefixes};
}

// Appends the element to out. Text and attribute values are escaped (& < > " '
// and the line-end characters that a parser would normalise); bytes that are
// not valid UTF-8, and characters XML 1.0 forbids, are written as U+FFFD so
// the output is always well-formed.
void serialize(const Element& element, std::string& out, const WriteContext& context = {});
std::string toString(const Element& element, const WriteContext& context = {});

// "<?xml version='1.0'?><stream:stream xmlns='...' xmlns:stream='...' ...>"
// with to/from/id/version/xml:lang written when non-empty and header.prefixes
// declared ("stream" is always declared). Other header.attributes are ignored.
void writeStreamHeader(const StreamHeader& header, std::string& out);
// "</stream:stream>"
void writeStreamClose(std::string& out);

// Escaping primitives (also replace invalid UTF-8 / forbidden characters).
void escapeText(std::string_view text, std::string& out);
void escapeAttribute(std::string_view value, std::string& out);
// True when text is valid UTF-8 made only of characters XML 1.0 allows.
bool isValidXmlText(std::string_view text);

}  // namespace keyfed::xml
