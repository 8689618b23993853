#include "keyfed/net/unix_listener.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "keyfed/net/event_loop.hpp"
#include "stream_test_support.hpp"

namespace keyfed::net {
namespace {

namespace fs = std::filesystem;
using test_support::Pair;
using test_support::Recorder;
using test_support::runUntil;

// A private temporary directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "keyfed-unix-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) dir_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path path(const std::string& name) const { return dir_ / name; }

 private:
  fs::path dir_;
};

void connectPair(EventLoop& loop, Pair& p, const fs::path& path) {
  auto listener = UnixListener::open(loop, path, [&](std::unique_ptr<ByteStream> s) {
    p.server = std::move(s);
    p.server->start(&p.serverSide);
  });
  ASSERT_TRUE(listener) << listener.error().describe();
  p.listener = std::move(*listener);
  connectUnix(loop, path, [&](base::Result<std::unique_ptr<ByteStream>> s) {
    ASSERT_TRUE(s) << s.error().describe();
    p.client = std::move(*s);
    p.client->start(&p.clientSide);
  });
  ASSERT_TRUE(runUntil(loop, [&] { return p.server && p.client; }));
}

// A socket file with nothing listening behind it, as a killed server leaves.
void makeStaleSocket(const fs::path& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(fs::is_socket(path));
}

TEST(UnixListener, DeliversBytesBothWaysAsAByteStream) {
  TempDir dir;
  EventLoop loop;
  Pair p;
  connectPair(loop, p, dir.path("admin.sock"));
  p.client->send("{\"command\":");
  p.client->send("\"status\"}\n");
  p.server->send("{\"ok\":true}\n");
  ASSERT_TRUE(runUntil(loop, [&] {
    return p.serverSide.received == "{\"command\":\"status\"}\n" &&
           p.clientSide.received == "{\"ok\":true}\n";
  }));
  EXPECT_EQ(p.server->remoteAddress(), "unix");
  EXPECT_EQ(p.listener->address(), dir.path("admin.sock").string());
  EXPECT_EQ(p.listener->port(), 0);
  EXPECT_FALSE(p.server->isTls());
  p.server->close();
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.closed && p.clientSide.closed; }));
}

TEST(UnixListener, SocketFileIsPrivateToTheOwner) {
  TempDir dir;
  EventLoop loop;
  const auto path = dir.path("admin.sock");
  auto listener = UnixListener::open(loop, path, [](std::unique_ptr<ByteStream>) {});
  ASSERT_TRUE(listener) << listener.error().describe();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

TEST(UnixListener, CloseAndDestructionRemoveTheSocketFile) {
  TempDir dir;
  EventLoop loop;
  const auto path = dir.path("admin.sock");
  {
    auto listener = UnixListener::open(loop, path, [](std::unique_ptr<ByteStream>) {});
    ASSERT_TRUE(listener);
    ASSERT_TRUE(fs::exists(path));
    (*listener)->close();
    EXPECT_FALSE(fs::exists(path));
  }
  {
    auto listener = UnixListener::open(loop, path, [](std::unique_ptr<ByteStream>) {});
    ASSERT_TRUE(listener);
    ASSERT_TRUE(fs::exists(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(UnixListener, ReplacesAStaleSocketFile) {
  TempDir dir;
  const auto path = dir.path("admin.sock");
  makeStaleSocket(path);
  EventLoop loop;
  Pair p;
  connectPair(loop, p, path);
  p.client->send("after a crash");
  ASSERT_TRUE(runUntil(loop, [&] { return p.serverSide.received == "after a crash"; }));
}

TEST(UnixListener, RefusesToTakeOverALiveServersSocket) {
  TempDir dir;
  const auto path = dir.path("admin.sock");
  EventLoop loop;
  Pair p;
  connectPair(loop, p, path);

  auto second = UnixListener::open(loop, path, [](std::unique_ptr<ByteStream>) {});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "net.in-use");
  // The first server is still reachable on its socket.
  std::unique_ptr<ByteStream> another;
  Recorder anotherSide;
  connectUnix(loop, path, [&](base::Result<std::unique_ptr<ByteStream>> s) {
    ASSERT_TRUE(s) << s.error().describe();
    another = std::move(*s);
    another->start(&anotherSide);
  });
  ASSERT_TRUE(runUntil(loop, [&] { return another != nullptr; }));
}

TEST(UnixListener, LeavesAFileThatIsNotASocketAlone) {
  TempDir dir;
  const auto path = dir.path("keyfed.db");
  std::ofstream(path) << "precious data";
  EventLoop loop;
  auto listener = UnixListener::open(loop, path, [](std::unique_ptr<ByteStream>) {});
  ASSERT_FALSE(listener);
  EXPECT_EQ(listener.error().code, "net.in-use");
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "precious data");
}

TEST(UnixListener, RefusesPathsThatDoNotFitASocketAddress) {
  EventLoop loop;
  auto listener =
      UnixListener::open(loop, "/tmp/" + std::string(200, 'x'), [](std::unique_ptr<ByteStream>) {});
  ASSERT_FALSE(listener);
  EXPECT_EQ(listener.error().code, "net.bad-address");
  auto empty = UnixListener::open(loop, "", [](std::unique_ptr<ByteStream>) {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "net.bad-address");
}

TEST(UnixListener, ConnectingWithoutAServerFails) {
  TempDir dir;
  EventLoop loop;
  bool failed = false;
  connectUnix(loop, dir.path("nobody.sock"), [&](base::Result<std::unique_ptr<ByteStream>> s) {
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, "net.connect");
    failed = true;
  });
  ASSERT_TRUE(runUntil(loop, [&] { return failed; }));
}

}  // namespace
}  // namespace keyfed::net
