#pragma once
// The [push] config section (docs/push.md), in a library of its own so that
// keyfedctl checks the file without the module.
//
//   [push]
//   enabled = true
//   max_registrations = 5     # app servers (jid + node) one account may register
//   include_body = false      # the message body in the summary (privacy: off)
//   include_sender = false    # the sender's JID in the summary (privacy: off)
//   min_interval = 5          # seconds between two notifications to one registration

#include <chrono>
#include <cstddef>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct PushConfig {
  bool enabled = true;
  std::size_t maxRegistrations = 5;
  // What the urn:xmpp:push:summary form carries besides message-count. App
  // servers are usually run by a third party (the app's vendor) and forward
  // to Google's or Apple's push services: by default they learn neither who
  // wrote nor what.
  bool includeBody = false;
  bool includeSender = false;
  // A burst of messages becomes one notification at once and one more,
  // counting the rest, when the interval is over (docs/push.md, "Coalescing").
  std::chrono::seconds minInterval{5};
};

// Registers [push] with the loader.
base::Result<void> registerPushConfig(config::SectionRegistry& registry);

// The configured values, or the defaults when the section was not registered
// (module tests).
PushConfig pushConfig(const config::Config& config);

}  // namespace keyfed::modules
