#pragma once
// The <body/> wrapper of XEP-0124 (BOSH) as XEP-0206 uses it (docs/bosh.md):
// reading a client's request body and writing the server's answers. No I/O,
// no state: bosh_session.hpp decides what a body means.
//
// Parsing reuses the stream parser, so a body is held to exactly the
// restricted XML and the limits of a c2s stream (depth, attributes, text,
// size): the bytes are read as the one top-level element of a stream.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xml/stream_parser.hpp"

namespace keyfed::modules::c2s {

inline constexpr std::string_view kBoshNs = "http://jabber.org/protocol/httpbind";
inline constexpr std::string_view kXboshNs = "urn:xmpp:xbosh";

struct BoshBody {
  std::uint64_t rid = 0;  // required: 1 to 2^53 - 1 (XEP-0124 14.1)
  std::string sid;        // "" on a session creation request
  std::string to;
  std::string lang;
  std::string ver;
  std::string xmppVersion;            // xmpp:version, XEP-0206 creation request
  std::optional<std::uint32_t> wait;  // seconds, creation request
  std::optional<std::uint32_t> hold;  // creation request
  bool restart = false;               // xmpp:restart='true' (XEP-0206 5)
  bool terminate = false;             // type='terminate'
  // The stanzas and nonzas inside, in order; children in the body's own
  // namespace are taken as jabber:client.
  std::vector<xml::Element> payloads;
};

// Errors (code "bosh.bad-request"): not well-formed or restricted XML, a root
// other than <body xmlns='http://jabber.org/protocol/httpbind'>, anything but
// whitespace around it, a missing or malformed rid, malformed wait/hold, or a
// limit of `limits` exceeded (the whole body counts as one stanza).
base::Result<BoshBody> parseBoshBody(std::string_view bytes, const xml::ParserLimits& limits);

// A body the server sends: `attributes` already serialized (" sid='...'"), the
// payloads already serialized as jabber:client elements.
void writeBoshBody(std::string_view attributes, std::string_view payloads, std::string& out);

// " name='value'" with the value escaped, appended to `out`.
void appendAttribute(std::string_view name, std::string_view value, std::string& out);

}  // namespace keyfed::modules::c2s
