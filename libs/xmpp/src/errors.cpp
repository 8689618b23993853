#include "keyfed/xmpp/errors.hpp"

#include "keyfed/xmpp/namespaces.hpp"

#include <array>

namespace keyfed::xmpp {

namespace {

constexpr std::array<std::string_view, kStreamErrorConditionCount> kStreamNames = {
    "bad-format",
    "bad-namespace-prefix",
    "conflict",
    "connection-timeout",
    "host-gone",
    "host-unknown",
    "improper-addressing",
    "internal-server-error",
    "invalid-from",
    "invalid-namespace",
    "invalid-xml",
    "not-authorized",
    "not-well-formed",
    "policy-violation",
    "remote-connection-failed",
    "reset",
    "resource-constraint",
    "restricted-xml",
    "see-other-host",
    "system-shutdown",
    "undefined-condition",
    "unsupported-encoding",
    "unsupported-feature",
    "unsupported-stanza-type",
    "unsupported-version",
};

struct StanzaConditionInfo {
  std::string_view name;
  StanzaErrorType type;
};

// Default types: the "SHOULD be" of each RFC 6120 8.3.3 subsection (the first
// one where two are named); undefined-condition allows any and uses cancel.
constexpr std::array<StanzaConditionInfo, kStanzaErrorConditionCount> kStanzaInfo = {{
    {"bad-request", StanzaErrorType::modify},
    {"conflict", StanzaErrorType::cancel},
    {"feature-not-implemented", StanzaErrorType::cancel},
    {"forbidden", StanzaErrorType::auth},
    {"gone", StanzaErrorType::cancel},
    {"internal-server-error", StanzaErrorType::cancel},
    {"item-not-found", StanzaErrorType::cancel},
    {"jid-malformed", StanzaErrorType::modify},
    {"not-acceptable", StanzaErrorType::modify},
    {"not-allowed", StanzaErrorType::cancel},
    {"not-authorized", StanzaErrorType::auth},
    {"policy-violation", StanzaErrorType::modify},
    {"recipient-unavailable", StanzaErrorType::wait},
    {"redirect", StanzaErrorType::modify},
    {"registration-required", StanzaErrorType::auth},
    {"remote-server-not-found", StanzaErrorType::cancel},
    {"remote-server-timeout", StanzaErrorType::wait},
    {"resource-constraint", StanzaErrorType::wait},
    {"service-unavailable", StanzaErrorType::cancel},
    {"subscription-required", StanzaErrorType::auth},
    {"undefined-condition", StanzaErrorType::cancel},
    {"unexpected-request", StanzaErrorType::wait},
}};

constexpr std::array<std::string_view, 5> kTypeNames = {"auth", "cancel", "continue", "modify",
                                                        "wait"};

}  // namespace

std::string_view conditionName(StreamErrorCondition condition) {
  auto i = static_cast<std::size_t>(condition);
  return i < kStreamNames.size() ? kStreamNames[i] : std::string_view("undefined-condition");
}

std::string_view conditionName(StanzaErrorCondition condition) {
  auto i = static_cast<std::size_t>(condition);
  return i < kStanzaInfo.size() ? kStanzaInfo[i].name : std::string_view("undefined-condition");
}

std::string_view typeName(StanzaErrorType type) {
  auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : std::string_view("cancel");
}

std::optional<StreamErrorCondition> parseStreamErrorCondition(std::string_view name) {
  for (std::size_t i = 0; i < kStreamNames.size(); ++i) {
    if (kStreamNames[i] == name) return static_cast<StreamErrorCondition>(i);
  }
  return std::nullopt;
}

std::optional<StanzaErrorCondition> parseStanzaErrorCondition(std::string_view name) {
  for (std::size_t i = 0; i < kStanzaInfo.size(); ++i) {
    if (kStanzaInfo[i].name == name) return static_cast<StanzaErrorCondition>(i);
  }
  return std::nullopt;
}

std::optional<StanzaErrorType> parseStanzaErrorType(std::string_view name) {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == name) return static_cast<StanzaErrorType>(i);
  }
  return std::nullopt;
}

StanzaErrorType defaultType(StanzaErrorCondition condition) {
  auto i = static_cast<std::size_t>(condition);
  return i < kStanzaInfo.size() ? kStanzaInfo[i].type : StanzaErrorType::cancel;
}

StreamErrorCondition streamErrorFor(xml::StreamFault fault) {
  switch (fault) {
    case xml::StreamFault::notWellFormed: return StreamErrorCondition::notWellFormed;
    case xml::StreamFault::restrictedXml: return StreamErrorCondition::restrictedXml;
    case xml::StreamFault::policyViolation: return StreamErrorCondition::policyViolation;
    case xml::StreamFault::invalidNamespace: return StreamErrorCondition::invalidNamespace;
    case xml::StreamFault::badNamespacePrefix: return StreamErrorCondition::badNamespacePrefix;
    case xml::StreamFault::badFormat: return StreamErrorCondition::badFormat;
    case xml::StreamFault::unsupportedEncoding: return StreamErrorCondition::unsupportedEncoding;
    case xml::StreamFault::internalServerError: return StreamErrorCondition::internalServerError;
  }
  return StreamErrorCondition::undefinedCondition;
}

xml::Element makeErrorElement(const StanzaError& error, std::string_view contentNs) {
  xml::Element e("error", std::string(contentNs));
  e.setAttr("type", typeName(error.effectiveType()));
  if (!error.by.empty()) e.setAttr("by", error.by);
  xml::Element& condition =
      e.addChild(std::string(conditionName(error.condition)), std::string(ns::stanzas));
  if (!error.conditionContent.empty() && (error.condition == StanzaErrorCondition::gone ||
                                          error.condition == StanzaErrorCondition::redirect)) {
    condition.addText(error.conditionContent);
  }
  if (!error.text.empty()) {
    e.addChild("text", std::string(ns::stanzas)).setAttr("xml:lang", "en").addText(error.text);
  }
  if (error.applicationCondition) e.addChild(*error.applicationCondition);
  return e;
}

std::optional<StanzaError> parseStanzaError(const xml::Element& stanza) {
  const xml::Element* error = stanza.child("error", stanza.ns());
  if (error == nullptr) return std::nullopt;
  StanzaError out;
  bool found = false;
  for (const xml::Element& c : error->children()) {
    if (c.ns() == ns::stanzas) {
      if (c.name() == "text") {
        out.text = c.text();
      } else if (auto cond = parseStanzaErrorCondition(c.name()); cond && !found) {
        out.condition = *cond;
        out.conditionContent = c.text();
        found = true;
      }
    } else if (!out.applicationCondition) {
      out.applicationCondition = c;
    }
  }
  if (!found) return std::nullopt;
  out.type = parseStanzaErrorType(error->attr("type"));
  out.by = std::string(error->attr("by"));
  return out;
}

xml::Element makeStreamError(StreamErrorCondition condition, std::string_view text,
                             std::string_view seeOtherHost) {
  xml::Element e("error", std::string(ns::stream));
  xml::Element& c = e.addChild(std::string(conditionName(condition)), std::string(ns::streams));
  if (condition == StreamErrorCondition::seeOtherHost) c.addText(seeOtherHost);
  if (!text.empty()) {
    e.addChild("text", std::string(ns::streams)).setAttr("xml:lang", "en").addText(text);
  }
  return e;
}

}  // namespace keyfed::xmpp
