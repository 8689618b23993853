#include "admin_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyfed::ctl {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

base::Failure ioFailure(const std::string& what, int err, const std::string& where) {
  return base::fail(errc::kIo, what + ": " + std::strerror(err), where);
}

base::Result<void> connectTo(int fd, const std::string& path, std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return base::fail(errc::kIo, "not a usable Unix socket path", path);
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  // A Unix-domain connect only waits when the server's backlog is full; the
  // send timeout bounds that wait.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return {};
  const int err = errno;
  if (err == ENOENT || err == ECONNREFUSED) {
    return base::fail(errc::kNotRunning, "keyfed is not running (nothing answers on the socket)",
                      path);
  }
  if (err == EACCES) {
    return base::fail(errc::kIo,
                      "permission denied: the admin socket is only open to the user keyfed runs as",
                      path);
  }
  if (err == EAGAIN || err == EINPROGRESS) {
    return base::fail(errc::kTimeout, "the server did not accept the connection in time", path);
  }
  return ioFailure("connect", err, path);
}

base::Result<void> sendAll(int fd, std::string_view data, Clock::time_point deadline,
                           const std::string& where) {
  while (!data.empty()) {
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ioFailure("poll", errno, where);
    if (ready == 0) return base::fail(errc::kTimeout, "timed out sending the request", where);
    // MSG_NOSIGNAL: a server that went away is an error value, not SIGPIPE.
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ioFailure("send", errno, where);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

base::Result<std::string> readLine(int fd, Clock::time_point deadline, const std::string& where) {
  std::string in;
  char buffer[4096];
  for (;;) {
    const auto newline = in.find('\n');
    if (newline != std::string::npos) return in.substr(0, newline);
    if (in.size() > kMaxReplyBytes) {
      return base::fail(errc::kBadReply,
                        "reply larger than " + std::to_string(kMaxReplyBytes) + " bytes", where);
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, remainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ioFailure("poll", errno, where);
    if (ready == 0) return base::fail(errc::kTimeout, "timed out waiting for the reply", where);
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return ioFailure("recv", errno, where);
    if (n == 0)
      return base::fail(errc::kIo, "the server closed the connection without a reply", where);
    in.append(buffer, static_cast<std::size_t>(n));
  }
}

base::Result<AdminReply> parseReply(std::string_view line, const std::string& where) {
  const auto reply = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  const auto bad = [&](const char* why) {
    return base::fail(errc::kBadReply, std::string("unexpected reply (") + why + ")", where);
  };
  if (reply.is_discarded() || !reply.is_object()) return bad("not a JSON object");
  const auto ok = reply.find("ok");
  if (ok == reply.end() || !ok->is_boolean()) return bad("no \"ok\" boolean");
  AdminReply out;
  out.ok = ok->get<bool>();
  if (out.ok) {
    const auto result = reply.find("result");
    out.result = result == reply.end() ? nlohmann::json::object() : *result;
    return out;
  }
  const auto error = reply.find("error");
  if (error == reply.end() || !error->is_object()) return bad("no \"error\" object");
  const auto code = error->find("code");
  const auto message = error->find("message");
  out.errorCode = code != error->end() && code->is_string() ? code->get<std::string>() : "";
  out.errorMessage =
      message != error->end() && message->is_string() ? message->get<std::string>() : "";
  return out;
}

}  // namespace

base::Result<AdminReply> callAdmin(const std::filesystem::path& socketPath,
                                   std::string_view command, const nlohmann::json& args,
                                   std::chrono::milliseconds timeout) {
  const std::string where = socketPath.string();
  const auto deadline = Clock::now() + timeout;
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return ioFailure("socket", errno, where);
  if (auto connected = connectTo(fd.get(), where, timeout); !connected) {
    return base::fail(std::move(connected).error());
  }
  const nlohmann::json request = {{"command", command}, {"args", args}};
  const std::string line =
      request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  if (auto sent = sendAll(fd.get(), line, deadline, where); !sent) {
    return base::fail(std::move(sent).error());
  }
  auto reply = readLine(fd.get(), deadline, where);
  if (!reply) return base::fail(std::move(reply).error());
  return parseReply(*reply, where);
}

}  // namespace keyfed::ctl
