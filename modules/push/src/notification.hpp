#pragma once
// The publish that wakes a device (XEP-0357 section 6): an iq set from the
// account's bare JID to the app server, publishing one item on the
// registration's node whose payload is a urn:xmpp:push:summary form, with the
// registration's publish-options copied in.

#include <cstdint>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/push_types.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::push {

// What happened since the last notification to one registration.
struct Summary {
  std::uint64_t messageCount = 0;
  std::string lastSender;
  std::string lastBody;
};

// Which optional summary fields go out ([push] include_sender, include_body).
struct SummaryFields {
  bool sender = false;
  bool body = false;
};

// <iq type='set' from=ACCOUNT to=SERVICE id=ID><pubsub><publish node=NODE><item>
// <notification xmlns='urn:xmpp:push:0'><x type='submit'>summary</x></notification>
// </item></publish>[<publish-options>form</publish-options>]</pubsub></iq>.
// Fails ("xml.stored") only when the stored publish options do not parse.
base::Result<xml::Element> makeNotification(std::string_view account,
                                            const storage::PushRegistration& registration,
                                            const Summary& summary, SummaryFields fields,
                                            std::string_view id, std::size_t maxOptionsBytes);

}  // namespace keyfed::modules::push
