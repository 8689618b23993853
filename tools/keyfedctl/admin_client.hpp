#pragma once
// A blocking client for the server's admin socket (newline-delimited JSON,
// libs/server/admin/include/keyfed/server/admin_service.hpp): one request, one
// reply, one connection. Plain POSIX: keyfedctl has no event loop.

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"

namespace keyfed::ctl {

namespace errc {
// Nobody answers on the socket: no file, or a file with no listener behind it.
inline constexpr const char* kNotRunning = "keyfedctl.not-running";
inline constexpr const char* kTimeout = "keyfedctl.timeout";
inline constexpr const char* kIo = "keyfedctl.io";
inline constexpr const char* kBadReply = "keyfedctl.bad-reply";
}  // namespace errc

// What the server answered. A transport failure is the Result's error instead.
struct AdminReply {
  bool ok = false;
  nlohmann::json result;  // when ok
  std::string errorCode;  // when not ok, e.g. "admin.unknown-command"
  std::string errorMessage;
};

// Replies larger than this are refused (a status report is a few KiB).
inline constexpr std::size_t kMaxReplyBytes = 16 << 20;

// Sends {"command": command, "args": args} and waits at most `timeout` in all
// (connect, send, reply).
base::Result<AdminReply> callAdmin(const std::filesystem::path& socketPath,
                                   std::string_view command, const nlohmann::json& args,
                                   std::chrono::milliseconds timeout);

}  // namespace keyfed::ctl
