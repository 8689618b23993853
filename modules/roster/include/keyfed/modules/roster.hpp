#pragma once
// RFC 6121 for local accounts (docs/im.md): two modules sharing one folder
// because they share the roster items, their pushes and the subscription
// state machine.
//
// - roster: jabber:iq:roster get/set with versioning (XEP-0237) and pushes.
// - presence: the subscription handshake (RFC 6121 3, Appendix A), presence
//   broadcast, probes and directed presence (RFC 6121 4).

#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeRosterModule();
std::unique_ptr<server::Module> makePresenceModule();

}  // namespace keyfed::modules
