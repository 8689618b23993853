#pragma once
// The e2e harness's DNS responder (tests/e2e/harness/dns_responder.py) as a
// child process on loopback, for the resolver tests: write the zone as JSON,
// start python, read "READY <port>", and stop it (stdin closed, SIGTERM,
// then SIGKILL) when the test ends. Every wait is bounded.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

extern char** environ;

namespace keyfed::net::test_support {

class DnsResponderProcess {
 public:
  // `zoneJson`: {"name": {"SRV": [[prio, weight, port, "target"]], "A": [...], ...}}
  explicit DnsResponderProcess(const std::string& zoneJson, std::string host = "127.0.0.1")
      : host_(std::move(host)) {
    char pattern[] = "/tmp/keyfed-dns-XXXXXX";
    if (!mkdtemp(pattern)) return;
    dir_ = pattern;
    const auto zoneFile = (dir_ / "zone.json").string();
    std::ofstream(zoneFile) << zoneJson;

    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return;
    if (pipe2(out, O_CLOEXEC) != 0) {
      close(in[0]);
      close(in[1]);
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    std::string python = KEYFED_PYTHON;
    std::string script = KEYFED_DNS_RESPONDER;
    std::string zoneArg = "--zone=" + zoneFile;
    std::string hostArg = "--host=" + host_;
    std::string stdinArg = "--until-stdin-closes";
    char* argv[] = {python.data(),  script.data(),   zoneArg.data(),
                    hostArg.data(), stdinArg.data(), nullptr};
    const int rc = posix_spawn(&pid_, python.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    if (rc != 0) {
      pid_ = -1;
      close(out[0]);
      return;
    }
    port_ = readReadyLine(out[0]);
    close(out[0]);
  }

  ~DnsResponderProcess() {
    if (stdin_ >= 0) close(stdin_);
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      if (!waitFor(std::chrono::seconds(5))) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
      }
    }
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  DnsResponderProcess(const DnsResponderProcess&) = delete;
  DnsResponderProcess& operator=(const DnsResponderProcess&) = delete;

  [[nodiscard]] bool ready() const { return port_ > 0; }
  // "127.0.0.1:PORT" or "[::1]:PORT", as ResolverOptions::servers takes it.
  [[nodiscard]] std::string server() const {
    const auto port = std::to_string(port_);
    return host_.find(':') == std::string::npos ? host_ + ":" + port : "[" + host_ + "]:" + port;
  }

 private:
  // The port from "READY <port>\n", or 0 after 20 s (python under load) or EOF.
  static int readReadyLine(int fd) {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buffer[64];
      const auto n = read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      line.append(buffer, static_cast<std::size_t>(n));
    }
    if (line.rfind("READY ", 0) != 0) return 0;
    return std::atoi(line.c_str() + 6);
  }

  bool waitFor(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  std::string host_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

}  // namespace keyfed::net::test_support
