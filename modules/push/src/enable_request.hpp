#pragma once
// The two requests of XEP-0357 section 5 (docs/push.md), read from the iq
// payload with their limits:
//   <enable xmlns='urn:xmpp:push:0' jid='APP SERVER' node='NODE'>[publish-options form]</enable>
//   <disable xmlns='urn:xmpp:push:0' jid='APP SERVER' [node='NODE']/>
// Errors carry the code the module answers with: "push.jid-malformed" (an
// unparseable jid) or "push.bad-request" (anything else).

#include <cstddef>
#include <string>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::push {

inline constexpr std::string_view kPushNs = "urn:xmpp:push:0";
inline constexpr std::string_view kSummaryFormType = "urn:xmpp:push:summary";
inline constexpr std::string_view kJidMalformed = "push.jid-malformed";
inline constexpr std::string_view kBadRequest = "push.bad-request";
// Fields of one publish-options form; pubsub's options are a handful.
inline constexpr std::size_t kMaxOptionFields = 32;

struct EnableRequest {
  xmpp::Jid service;
  std::string node;
  // A clean copy of the client's publish-options form (FORM_TYPE and
  // var/value fields only), serialized; empty when the client sent none.
  std::string publishOptions;
};

struct DisableRequest {
  xmpp::Jid service;
  std::string node;  // empty: every node of the service
};

// `maxNodeBytes`, `maxOptionsBytes`: the storage limits (a request past them
// is refused here with a clear error rather than by the database).
base::Result<EnableRequest> parseEnable(const xml::Element& enable, std::size_t maxNodeBytes,
                                        std::size_t maxOptionsBytes);
base::Result<DisableRequest> parseDisable(const xml::Element& disable, std::size_t maxNodeBytes);

}  // namespace keyfed::modules::push
