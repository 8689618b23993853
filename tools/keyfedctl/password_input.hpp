#pragma once
// Reading a new password for `user add` and `user passwd`: one line from
// stdin, so scripts can pipe it in (never a command-line argument, which other
// users can read in /proc). On a terminal: prompt on stderr, no echo, twice.

#include <cstddef>
#include <cstdio>
#include <string>

#include "keyfed/base/result.hpp"

namespace keyfed::ctl {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Errors: keyfedctl.empty-password, keyfedctl.password-too-long,
// keyfedctl.password-mismatch (terminal only), keyfedctl.io.
base::Result<std::string> readNewPassword(std::FILE* in = stdin);

}  // namespace keyfed::ctl
