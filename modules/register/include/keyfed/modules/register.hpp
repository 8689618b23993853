#pragma once
// XEP-0077 In-Band Registration (docs/server-features.md): account creation
// before authentication, when the virtual host allows it ([c2s] or
// [[virtual_host]] allow_registration, off by default); password change and
// account removal after authentication, always.
//
// Removing an account fires the SessionEvent "account-removed" (the
// requesting session) so that modules drop what they cache for it.

#include <chrono>
#include <cstddef>
#include <memory>

#include "keyfed/server/module.hpp"

namespace keyfed::modules {

struct RegisterOptions {
  // Accounts one remote address may create per window (a sliding window).
  std::size_t accountsPerAddress = 5;
  std::chrono::seconds window{600};
};

std::unique_ptr<server::Module> makeRegisterModule(RegisterOptions options = {});

}  // namespace keyfed::modules
