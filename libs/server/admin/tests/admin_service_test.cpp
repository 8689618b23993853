#include "keyfed/server/admin_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/unix_listener.hpp"

namespace keyfed::server {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

// Runs the loop until `done` holds or 5 s pass.
template <class Pred>
bool runUntil(net::EventLoop& loop, Pred done) {
  net::Timer guard(loop);
  bool timedOut = false;
  guard.start(5s, [&] { timedOut = true; });
  while (!done() && !timedOut) {
    loop.poll();
    std::this_thread::sleep_for(1ms);
  }
  return done();
}

// A client on the admin socket, as keyfedctl is one, driven by the same loop.
struct Client : net::ByteStreamHandler {
  std::unique_ptr<net::ByteStream> stream;
  std::string received;
  bool closed = false;
  bool failed = false;

  void onBytes(std::string_view bytes) override { received.append(bytes); }
  void onTlsEstablished() override {}
  void onClosed(std::string_view) override { closed = true; }

  // The complete reply lines so far, parsed.
  std::vector<json> replies() const {
    std::vector<json> out;
    std::size_t start = 0;
    for (auto nl = received.find('\n'); nl != std::string::npos; nl = received.find('\n', start)) {
      out.push_back(json::parse(received.substr(start, nl - start)));
      start = nl + 1;
    }
    return out;
  }
};

class AdminServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "keyfed-admin-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    socket_ = dir_ / "keyfed.sock";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void start(AdminService& service) {
    auto listening = service.listen(socket_);
    ASSERT_TRUE(listening) << listening.error().describe();
  }

  std::unique_ptr<Client> connect() {
    auto client = std::make_unique<Client>();
    auto* raw = client.get();
    bool done = false;
    net::connectUnix(loop_, socket_,
                     [raw, &done](base::Result<std::unique_ptr<net::ByteStream>> s) {
                       done = true;
                       if (!s) {
                         raw->failed = true;
                         return;
                       }
                       raw->stream = std::move(*s);
                       raw->stream->start(raw);
                     });
    EXPECT_TRUE(runUntil(loop_, [&] { return done; }));
    EXPECT_FALSE(client->failed);
    return client;
  }

  // Sends `request` and waits for `count` replies in total on this client.
  std::vector<json> ask(Client& client, const std::string& request, std::size_t count = 1) {
    client.stream->send(request);
    EXPECT_TRUE(runUntil(loop_, [&] { return client.replies().size() >= count; }))
        << "got: " << client.received;
    return client.replies();
  }

  net::EventLoop loop_;
  fs::path dir_;
  fs::path socket_;
};

AdminService::Command answer(const json& result) {
  return [result](const json&) -> base::Result<json> { return result; };
}

TEST_F(AdminServiceTest, AnswersARegisteredCommandOverTheSocket) {
  AdminService service(loop_);
  service.add("status", answer({{"version", "0.1.0"}, {"sessions", 3}}));
  service.add("echo", [](const json& args) -> base::Result<json> { return args; });
  start(service);
  auto client = connect();

  auto replies = ask(*client, "{\"command\":\"status\"}\n");
  EXPECT_EQ(replies[0], (json{{"ok", true}, {"result", {{"version", "0.1.0"}, {"sessions", 3}}}}));
  replies = ask(*client,
                R"({"command":"echo","args":{"jid":"carol@example.org"}})"
                "\n",
                2);
  EXPECT_EQ(replies[1], (json{{"ok", true}, {"result", {{"jid", "carol@example.org"}}}}));
  EXPECT_FALSE(client->closed);
}

TEST_F(AdminServiceTest, UnknownCommandIsAnErrorAndTheConnectionStaysUsable) {
  AdminService service(loop_);
  service.add("status", answer({{"up", true}}));
  start(service);
  auto client = connect();
  auto replies = ask(*client, "{\"command\":\"reboot\"}\n");
  EXPECT_EQ(replies[0]["ok"], false);
  EXPECT_EQ(replies[0]["error"]["code"], "admin.unknown-command");
  EXPECT_NE(replies[0]["error"]["message"].get<std::string>().find("reboot"), std::string::npos);
  replies = ask(*client, "{\"command\":\"status\"}\n", 2);
  EXPECT_EQ(replies[1]["ok"], true);
}

TEST_F(AdminServiceTest, MalformedRequestsAreAnsweredInOrder) {
  AdminService service(loop_);
  service.add("status", answer({{"up", true}}));
  start(service);
  auto client = connect();
  // Pipelined in one write, with a CRLF line and a blank line in between.
  const std::string requests =
      "this is not json\n"
      "[1,2,3]\n"
      "{\"args\":{}}\n"
      "{\"command\":42}\n"
      "{\"command\":\"status\",\"args\":[1]}\n"
      "\n"
      "{\"command\":\"status\"}\r\n";
  auto replies = ask(*client, requests, 6);
  ASSERT_EQ(replies.size(), 6U);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(replies[i]["ok"], false) << i;
    EXPECT_EQ(replies[i]["error"]["code"], "admin.bad-request") << i;
  }
  EXPECT_EQ(replies[5], (json{{"ok", true}, {"result", {{"up", true}}}}));
}

TEST_F(AdminServiceTest, ACommandsFailureCarriesItsCodeAndMessage) {
  AdminService service(loop_);
  service.add("user-changed", [](const json& args) -> base::Result<json> {
    return base::fail("storage.not-found", "no such user: " + args.at("jid").get<std::string>());
  });
  start(service);
  auto client = connect();
  auto replies = ask(*client, R"({"command":"user-changed","args":{"jid":"x@y"}})"
                              "\n");
  EXPECT_EQ(replies[0],
            (json{{"ok", false},
                  {"error", {{"code", "storage.not-found"}, {"message", "no such user: x@y"}}}}));
  // The same handler reading an argument that is missing: an error reply, no crash.
  replies = ask(*client,
                R"({"command":"user-changed","args":{}})"
                "\n",
                2);
  EXPECT_EQ(replies[1]["error"]["code"], "admin.bad-args");
  replies = ask(*client,
                R"({"command":"user-changed","args":{"jid":7}})"
                "\n",
                3);
  EXPECT_EQ(replies[2]["error"]["code"], "admin.bad-args");
}

TEST_F(AdminServiceTest, ResultsThatAreNotUtf8StillProduceAReply) {
  AdminService service(loop_);
  service.add("odd", answer({{"name", std::string("caf\xe9")}}));
  start(service);
  auto client = connect();
  auto replies = ask(*client, "{\"command\":\"odd\"}\n");
  EXPECT_EQ(replies[0]["ok"], true);
  EXPECT_EQ(replies[0]["result"]["name"], "caf\xef\xbf\xbd");  // U+FFFD
}

TEST_F(AdminServiceTest, HelpListsTheRegisteredCommands) {
  AdminService service(loop_);
  service.add("status", answer({}));
  service.add("user-changed", answer({}));
  EXPECT_EQ(json::parse(service.handleRequest(R"({"command":"help"})")),
            (json{{"ok", true}, {"result", {{"commands", {"help", "status", "user-changed"}}}}}));
}

TEST_F(AdminServiceTest, RequestAtTheLimitIsServedOneByteLongerIsRefusedAndClosed) {
  AdminLimits limits;
  limits.maxRequestBytes = 1024;
  AdminService service(loop_, limits);
  service.add("status", answer({{"up", true}}));
  start(service);

  auto fits = connect();
  std::string request = "{\"command\":\"status\"}";
  request.append(limits.maxRequestBytes - request.size(), ' ');  // JSON allows trailing space
  auto replies = ask(*fits, request + "\n");
  EXPECT_EQ(replies[0]["ok"], true);

  auto tooLong = connect();
  replies = ask(*tooLong, request + " \n");
  EXPECT_EQ(replies[0]["error"]["code"], "admin.request-too-large");
  EXPECT_TRUE(runUntil(loop_, [&] { return tooLong->closed; }));
}

TEST_F(AdminServiceTest, EndlessLineWithoutNewlineIsRefusedAtTheDefaultLimit) {
  AdminService service(loop_);
  ASSERT_EQ(service.limits().maxRequestBytes, 64U * 1024);
  start(service);
  auto client = connect();
  client->stream->send(std::string(std::size_t{64} * 1024, 'x'));
  // Exactly at the limit there is still hope for a newline ...
  for (int i = 0; i < 50; ++i) loop_.poll();
  EXPECT_TRUE(client->received.empty());
  // ... one byte more and there is none.
  auto replies = ask(*client, "x");
  EXPECT_EQ(replies[0]["error"]["code"], "admin.request-too-large");
  EXPECT_TRUE(runUntil(loop_, [&] { return client->closed; }));
}

TEST_F(AdminServiceTest, ServesSixteenConnectionsAndTurnsTheSeventeenthAway) {
  AdminService service(loop_);
  ASSERT_EQ(service.limits().maxConnections, 16U);
  service.add("status", answer({{"up", true}}));
  start(service);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 16; ++i) {
    clients.push_back(connect());
    EXPECT_EQ(ask(*clients.back(), "{\"command\":\"status\"}\n")[0]["ok"], true) << i;
  }
  EXPECT_EQ(service.connectionCount(), 16U);

  auto extra = connect();
  auto replies = ask(*extra, "{\"command\":\"status\"}\n");
  EXPECT_EQ(replies[0]["error"]["code"], "admin.busy");
  EXPECT_TRUE(runUntil(loop_, [&] { return extra->closed; }));

  // One leaves; the next newcomer is served.
  clients.front()->stream->close();
  ASSERT_TRUE(runUntil(loop_, [&] { return service.connectionCount() == 15; }));
  auto next = connect();
  EXPECT_EQ(ask(*next, "{\"command\":\"status\"}\n")[0]["ok"], true);
}

TEST_F(AdminServiceTest, IdleConnectionIsClosedAfterTheTimeout) {
  AdminLimits limits;
  limits.idleTimeout = 200ms;
  AdminService service(loop_, limits);
  start(service);
  auto client = connect();
  ASSERT_TRUE(runUntil(loop_, [&] { return client->closed; }));
  ASSERT_EQ(client->replies().size(), 1U);
  EXPECT_EQ(client->replies()[0]["error"]["code"], "admin.idle-timeout");
  EXPECT_TRUE(runUntil(loop_, [&] { return service.connectionCount() == 0; }));
}

TEST_F(AdminServiceTest, CloseEndsConnectionsAndRemovesTheSocket) {
  AdminService service(loop_);
  service.add("status", answer({{"up", true}}));
  start(service);
  ASSERT_TRUE(fs::is_socket(socket_));
  auto client = connect();
  ASSERT_EQ(ask(*client, "{\"command\":\"status\"}\n")[0]["ok"], true);
  service.close();
  EXPECT_TRUE(runUntil(loop_, [&] { return client->closed; }));
  EXPECT_FALSE(fs::exists(socket_));
}

TEST_F(AdminServiceTest, ACommandMayCloseTheServiceItRunsIn) {
  AdminService service(loop_);
  service.add("shutdown", [&](const json&) -> base::Result<json> {
    service.close();
    return json{{"closing", true}};
  });
  start(service);
  auto client = connect();
  auto replies = ask(*client, "{\"command\":\"shutdown\"}\n{\"command\":\"shutdown\"}\n");
  EXPECT_TRUE(runUntil(loop_, [&] { return client->closed; }));
  // The reply already queued is delivered; the second request is not run.
  ASSERT_EQ(client->replies().size(), 1U);
  EXPECT_EQ(replies[0]["result"]["closing"], true);
}

TEST_F(AdminServiceTest, SecondServerOnTheSameSocketIsRefused) {
  AdminService first(loop_);
  start(first);
  AdminService second(loop_);
  auto listening = second.listen(socket_);
  ASSERT_FALSE(listening);
  EXPECT_EQ(listening.error().code, "net.in-use");
}

}  // namespace
}  // namespace keyfed::server
