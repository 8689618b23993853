#pragma once
// What every keyfedctl command gets: the server's configuration and how long
// to wait for the running server. Exit codes shared by all commands.

#include <chrono>
#include <string>

#include "keyfed/base/result.hpp"
#include "keyfed/config/config.hpp"

namespace keyfed::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;     // refused input, storage error, server error
inline constexpr int kExitUsage = 2;       // bad command line
inline constexpr int kExitNotRunning = 3;  // the command needs the running server

struct Context {
  config::Config config;
  std::chrono::milliseconds timeout{10'000};
};

// "keyfedctl: MESSAGE" on stderr.
void printError(const std::string& message);
void printError(const base::Error& error);
// Prints like printError and returns kExitFailure.
int failure(const std::string& message);
int failure(const base::Error& error);
// "keyfedctl: warning: MESSAGE" on stderr.
void printWarning(const std::string& message);

}  // namespace keyfed::ctl
