#pragma once
// The admin socket: keyfedctl and scripts ask the running server for its status
// or tell it about changes made elsewhere (an account deleted in the database).
// Transport: a Unix-domain stream socket, mode 0600 (the file permissions are
// the authentication), carrying newline-delimited JSON:
//
//   request  {"command":"status","args":{...}}                       ("args" optional)
//   reply    {"ok":true,"result":{...}}
//        or  {"ok":false,"error":{"code":"admin.unknown-command","message":"..."}}
//
// One reply per request, in order; a connection may send several requests.
// The service knows no commands except "help" (the registered names): the
// composition root registers them with add(). docs/admin.md has the protocol.

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/base/result.hpp"

namespace keyfed::net {
class EventLoop;
class Listener;
class ByteStream;
}  // namespace keyfed::net

namespace keyfed::server {

// Error codes of the admin protocol itself (a command's own failures carry the
// code of its base::Error).
namespace admin_errc {
inline constexpr const char* kBadRequest = "admin.bad-request";  // not JSON, no "command", ...
inline constexpr const char* kUnknownCommand = "admin.unknown-command";
inline constexpr const char* kBadArgs = "admin.bad-args";  // the command could not use "args"
inline constexpr const char* kTooLarge = "admin.request-too-large";  // then the server closes
inline constexpr const char* kBusy = "admin.busy";                   // too many connections
inline constexpr const char* kIdleTimeout = "admin.idle-timeout";    // then the server closes
}  // namespace admin_errc

struct AdminLimits {
  std::size_t maxRequestBytes = std::size_t{64} * 1024;  // one request line, without its newline
  std::size_t maxConnections = 16;
  std::chrono::steady_clock::duration idleTimeout = std::chrono::seconds(30);
};

class AdminService {
 public:
  // Runs on the event loop thread. `args` is always a JSON object. A failure
  // becomes {"ok":false,"error":{code, message}}.
  using Command = std::function<base::Result<nlohmann::json>(const nlohmann::json& args)>;

  explicit AdminService(net::EventLoop& loop, AdminLimits limits = {});
  // Closes every connection at once. Not from inside a command.
  ~AdminService();
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  // Registers (or replaces) a command.
  void add(std::string name, Command command);
  [[nodiscard]] std::vector<std::string> commandNames() const;

  // Starts accepting on a Unix-domain socket (net::UnixListener: mode 0600, a
  // stale file replaced, a live server's socket refused with net.in-use).
  base::Result<void> listen(const std::filesystem::path& socketPath);
  // Stops accepting, removes the socket file and closes the connections
  // (after the replies already queued). Safe from inside a command.
  void close();

  // One request line (without the newline) to one reply line (without it).
  // What a connection does per line; public for tests and in-process callers.
  std::string handleRequest(std::string_view line);

  [[nodiscard]] std::size_t connectionCount() const { return open_; }
  [[nodiscard]] const AdminLimits& limits() const { return limits_; }

 private:
  class Connection;

  void accept(std::unique_ptr<net::ByteStream> stream);
  void connectionClosed(std::uint64_t id, bool counted);

  net::EventLoop& loop_;
  AdminLimits limits_;
  base::Logger log_{"admin"};
  std::map<std::string, Command, std::less<>> commands_;
  std::unique_ptr<net::Listener> listener_;
  std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::uint64_t lastId_ = 0;
  std::size_t open_ = 0;  // connections being served (refused ones not counted)
  // Deferred removals hold it weakly: a service destroyed first is not touched.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyfed::server
