#pragma once
// XEP-0357 push notifications (docs/push.md): accounts register app servers
// with <enable/>; a message that reaches no online resource (stored offline,
// or queued for a stream-management session awaiting resumption) makes the
// server publish a summary to each registered app server, coalesced per
// registration.

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makePushModule();

}  // namespace keyfed::modules
