#include "keyfed/net/unix_listener.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <cerrno>
#include <cstring>

#include "keyfed/net/event_loop.hpp"
#include "tcp_stream.hpp"

namespace keyfed::net {

namespace asio = boost::asio;
using Local = asio::local::stream_protocol;
using boost::system::error_code;

namespace {

// The admin socket sees a handful of connections; the service limits them further.
constexpr int kBacklog = 64;

std::string errnoText(int err) {
  return std::strerror(err);
}

base::Result<void> checkPath(const std::string& path) {
  if (path.empty()) return base::fail("net.bad-address", "empty Unix socket path");
  // sun_path holds the path and its terminating NUL.
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return base::fail("net.bad-address",
                      "Unix socket path too long (" + std::to_string(path.size()) +
                          " bytes, at most " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                          ")",
                      path);
  }
  return {};
}

// Removes a socket file nobody listens on (a crashed server left it). A
// listener behind it, or a file that is not a socket, is left alone: removing
// either would silently take something over from someone else.
base::Result<void> removeStaleSocket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return base::fail("net.listen", errnoText(errno), path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return base::fail("net.in-use", "exists and is not a socket; not replacing it", path);
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return base::fail("net.listen", errnoText(errno), path);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  // EAGAIN: a listener whose backlog is full is still a listener.
  if (rc == 0 || err == EAGAIN) {
    return base::fail("net.in-use", "another process is listening on this socket", path);
  }
  if (err == ENOENT) return {};  // removed meanwhile
  if (err != ECONNREFUSED) {
    return base::fail("net.listen", "cannot probe the existing socket: " + errnoText(err), path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return base::fail("net.listen", "cannot remove stale socket: " + errnoText(errno), path);
  }
  return {};
}

class UnixListenerImpl final : public Listener {
 public:
  UnixListenerImpl(asio::io_context& io, std::string path, AcceptHandler onAccept)
      : acceptor_(io), path_(std::move(path)), onAccept_(std::move(onAccept)) {}

  ~UnixListenerImpl() override {
    *alive_ = false;
    close();
  }

  base::Result<void> open() {
    if (auto ok = checkPath(path_); !ok) return ok;
    if (auto ok = removeStaleSocket(path_); !ok) return ok;
    error_code ec;
    if (acceptor_.open(Local(), ec); ec) return base::fail("net.listen", ec.message(), path_);
    // bind() creates the file with 0777 & ~umask: 0600 without a window in
    // which another user could connect. umask is process-wide, so restore it
    // at once.
    const mode_t previous = ::umask(0177);
    acceptor_.bind(Local::endpoint(path_), ec);
    ::umask(previous);
    if (ec) return base::fail("net.listen", ec.message(), path_);
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) {
      device_ = st.st_dev;
      inode_ = st.st_ino;
      bound_ = true;
    }
    if (acceptor_.listen(kBacklog, ec); ec) {
      close();
      return base::fail("net.listen", ec.message(), path_);
    }
    return {};
  }

  void acceptLoop() {
    auto alive = alive_;
    acceptor_.async_accept([this, alive](const error_code& ec, Local::socket socket) {
      if (!*alive) return;
      if (ec == asio::error::operation_aborted) return;
      if (!ec) onAccept_(std::make_unique<UnixStream>(std::move(socket), nullptr));
      if (acceptor_.is_open()) acceptLoop();
    });
  }

  std::uint16_t port() const override { return 0; }
  std::string address() const override { return path_; }

  void close() override {
    error_code ec;
    acceptor_.close(ec);
    if (!bound_) return;
    bound_ = false;
    // Only our own file: a newer server may have replaced it meanwhile.
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_) {
      ::unlink(path_.c_str());
    }
  }

 private:
  Local::acceptor acceptor_;
  std::string path_;
  AcceptHandler onAccept_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  dev_t device_ = 0;
  ino_t inode_ = 0;
  bool bound_ = false;
};

}  // namespace

base::Result<std::unique_ptr<Listener>> UnixListener::open(EventLoop& loop,
                                                           const std::filesystem::path& path,
                                                           AcceptHandler onAccept) {
  auto& io = *static_cast<asio::io_context*>(loop.nativeContext());
  auto listener = std::make_unique<UnixListenerImpl>(io, path.string(), std::move(onAccept));
  if (auto opened = listener->open(); !opened) return base::fail(std::move(opened).error());
  listener->acceptLoop();
  return std::unique_ptr<Listener>(std::move(listener));
}

void connectUnix(EventLoop& loop, const std::filesystem::path& path,
                 std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected) {
  const std::string where = path.string();
  if (auto ok = checkPath(where); !ok) {
    loop.post([onConnected, error = ok.error()] { onConnected(base::fail(error)); });
    return;
  }
  auto& io = *static_cast<asio::io_context*>(loop.nativeContext());
  auto socket = std::make_shared<Local::socket>(io);
  socket->async_connect(Local::endpoint(where), [socket, onConnected = std::move(onConnected),
                                                 where](const error_code& error) {
    if (error) {
      onConnected(base::fail("net.connect", error.message(), where));
      return;
    }
    onConnected(
        std::unique_ptr<ByteStream>(std::make_unique<UnixStream>(std::move(*socket), nullptr)));
  });
}

}  // namespace keyfed::net
