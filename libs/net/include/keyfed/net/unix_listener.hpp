#pragma once
// A Unix-domain stream socket listener (the admin socket keyfedctl talks to).
// Connections are handed over as ByteStreams, exactly like TCP ones; their
// remoteAddress() is "unix".
//
// The socket file is created with mode 0600, so only the server's user can
// connect: file permissions are the authentication. A file left behind by a
// crashed server is replaced, but only when nothing answers on it; a live
// server's socket, or a file that is not a socket, makes open() fail. close()
// (or destruction) removes the file if it is still ours.

#include <filesystem>
#include <functional>
#include <memory>

#include "keyfed/base/result.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/listener.hpp"

namespace keyfed::net {

class EventLoop;

class UnixListener {
 public:
  // Error codes: net.bad-address (path empty or longer than sockaddr_un
  // allows), net.in-use (a server answers on the path, or it is not a socket),
  // net.listen (bind/listen failed). The returned Listener's address() is the
  // path and port() is 0.
  static base::Result<std::unique_ptr<Listener>> open(EventLoop& loop,
                                                      const std::filesystem::path& path,
                                                      AcceptHandler onAccept);
};

// Opens a client connection to a Unix-domain socket (tests, in-process clients).
void connectUnix(EventLoop& loop, const std::filesystem::path& path,
                 std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected);

}  // namespace keyfed::net
