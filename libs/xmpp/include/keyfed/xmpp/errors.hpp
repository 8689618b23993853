#pragma once
// Stream errors (RFC 6120 4.9) and stanza errors (RFC 6120 8.3): every defined
// condition, its element name, and for stanza errors the default error type.

#include "keyfed/xml/element.hpp"
#include "keyfed/xml/stream_parser.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace keyfed::xmpp {

// RFC 6120 section 4.9.3, in the order of the RFC.
enum class StreamErrorCondition {
  badFormat,
  badNamespacePrefix,
  conflict,
  connectionTimeout,
  hostGone,
  hostUnknown,
  improperAddressing,
  internalServerError,
  invalidFrom,
  invalidNamespace,
  invalidXml,
  notAuthorized,
  notWellFormed,
  policyViolation,
  remoteConnectionFailed,
  reset,
  resourceConstraint,
  restrictedXml,
  seeOtherHost,
  systemShutdown,
  undefinedCondition,
  unsupportedEncoding,
  unsupportedFeature,
  unsupportedStanzaType,
  unsupportedVersion,
};
inline constexpr int kStreamErrorConditionCount = 25;

// RFC 6120 section 8.3.3, in the order of the RFC.
enum class StanzaErrorCondition {
  badRequest,
  conflict,
  featureNotImplemented,
  forbidden,
  gone,
  internalServerError,
  itemNotFound,
  jidMalformed,
  notAcceptable,
  notAllowed,
  notAuthorized,
  policyViolation,
  recipientUnavailable,
  redirect,
  registrationRequired,
  remoteServerNotFound,
  remoteServerTimeout,
  resourceConstraint,
  serviceUnavailable,
  subscriptionRequired,
  undefinedCondition,
  unexpectedRequest,
};
inline constexpr int kStanzaErrorConditionCount = 22;

// RFC 6120 section 8.3.2.
enum class StanzaErrorType { auth, cancel, continue_, modify, wait };

// Element names ("not-well-formed", "item-not-found", "modify") and back.
std::string_view conditionName(StreamErrorCondition condition);
std::string_view conditionName(StanzaErrorCondition condition);
std::string_view typeName(StanzaErrorType type);
std::optional<StreamErrorCondition> parseStreamErrorCondition(std::string_view name);
std::optional<StanzaErrorCondition> parseStanzaErrorCondition(std::string_view name);
std::optional<StanzaErrorType> parseStanzaErrorType(std::string_view name);

// The error type RFC 6120 8.3.3 says each condition SHOULD carry.
StanzaErrorType defaultType(StanzaErrorCondition condition);

// The stream error to send when the parser refused the input.
StreamErrorCondition streamErrorFor(xml::StreamFault fault);

// A stanza error to put into an error reply.
struct StanzaError {
  StanzaErrorCondition condition = StanzaErrorCondition::undefinedCondition;
  std::optional<StanzaErrorType> type;  // defaultType(condition) when unset
  std::string text;                     // optional human-readable <text/>
  std::string by;                       // optional 'by' attribute (the JID that found it)
  std::string conditionContent;         // content of <gone/> / <redirect/> (an XMPP URI)
  // An optional application-specific condition element, added after <text/>.
  std::optional<xml::Element> applicationCondition;

  StanzaErrorType effectiveType() const { return type.value_or(defaultType(condition)); }
};

// <error type=...><condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>[<text/>][app]</error>
// in the given content namespace (jabber:client or jabber:server).
xml::Element makeErrorElement(const StanzaError& error, std::string_view contentNs);

// Reads the <error/> child of an error stanza; nullopt when there is none or
// its condition is not one of RFC 6120's.
std::optional<StanzaError> parseStanzaError(const xml::Element& stanza);

// <stream:error><condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[host]</condition>
// [<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>text</text>]</stream:error>.
// seeOtherHost is the content of <see-other-host/> (RFC 6120 4.9.3.19: a
// domain, IPv4 or [IPv6] address, with optional :port).
xml::Element makeStreamError(StreamErrorCondition condition, std::string_view text = {},
                             std::string_view seeOtherHost = {});

}  // namespace keyfed::xmpp
