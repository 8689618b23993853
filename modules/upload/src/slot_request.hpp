#pragma once
// The XMPP side of uploads: the answer to a slot request (XEP-0363 section 4),
// from the request, the slots and the store (docs/upload.md, "Slots").

#include <string>
#include <string_view>

#include "keyfed/modules/upload_config.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "upload_http.hpp"

namespace keyfed::modules::upload {

inline constexpr std::string_view kUploadNs = "urn:xmpp:http:upload:0";

// `requester` is the sender's JID, `baseUrl` "https://host[:port]" for the
// host asked. Returns the iq result with <slot/>, or the iq error.
xml::Element answerSlotRequest(UploadState& state, const UploadConfig& config,
                               const xml::Element& iq, const xmpp::Jid& requester,
                               std::string_view baseUrl);

}  // namespace keyfed::modules::upload
