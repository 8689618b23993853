#pragma once
// Value types of the push registration store (docs/push.md): the XEP-0357
// app servers an account asked to be woken through.

#include <string>

namespace keyfed::storage {

// One <enable/> of an account: notifications go to `service` (the app
// server's JID) on pubsub node `node`, with `publishOptions` (the serialized
// publish-options data form, or empty) copied into every publish.
struct PushRegistration {
  std::string service;
  std::string node;
  std::string publishOptions;

  bool operator==(const PushRegistration&) const = default;
};

}  // namespace keyfed::storage
