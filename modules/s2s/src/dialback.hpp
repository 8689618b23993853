#pragma once
// The dialback elements (XEP-0220) and the outcome of a verification, shared
// by both stream directions and the module that relays verifications.

#include <string>
#include <string_view>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"

namespace keyfed::modules::s2s {

enum class VerifyResult { valid, invalid, error };

struct VerifyOutcome {
  VerifyResult result = VerifyResult::error;
  // For errors: the XEP-0220 2.4 condition to pass on, and why (for logs).
  xmpp::StanzaErrorCondition condition = xmpp::StanzaErrorCondition::remoteServerTimeout;
  std::string text;
};

// <db:result from to>key</db:result>: an initiating server asks to be verified.
xml::Element makeDbResultRequest(std::string_view from, std::string_view to, std::string_view key);
// <db:verify from to id>key</db:verify>: a receiving server asks the authoritative one.
xml::Element makeDbVerifyRequest(std::string_view from, std::string_view to, std::string_view id,
                                 std::string_view key);
// A reply (type valid or invalid) to <db:result/> or <db:verify/> (name "result"/"verify");
// `id` only for verify.
xml::Element makeDbReply(std::string_view name, std::string_view from, std::string_view to,
                         std::string_view id, bool valid);
// A dialback error (XEP-0220 2.4): type='error' with a stanza error condition.
xml::Element makeDbError(std::string_view name, std::string_view from, std::string_view to,
                         std::string_view id, xmpp::StanzaErrorCondition condition,
                         std::string_view text = {});

// The condition of a type='error' dialback element (undefined-condition if unreadable).
xmpp::StanzaErrorCondition dbErrorCondition(const xml::Element& element);

}  // namespace keyfed::modules::s2s
