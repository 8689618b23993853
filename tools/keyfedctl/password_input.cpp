#include "password_input.hpp"

#include <termios.h>
#include <unistd.h>

namespace keyfed::ctl {

namespace {

// Turns terminal echo off for its lifetime.
class EchoOff {
 public:
  explicit EchoOff(int fd) : fd_(fd) {
    if (::tcgetattr(fd_, &saved_) != 0) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (active_) ::tcsetattr(fd_, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

// One line without its "\n" / "\r\n"; a last line without newline counts.
base::Result<std::string> readLine(std::FILE* in) {
  std::string line;
  for (;;) {
    const int c = std::fgetc(in);
    if (c == EOF) {
      if (std::ferror(in)) return base::fail("keyfedctl.io", "cannot read the password from stdin");
      break;
    }
    if (c == '\n') break;
    if (line.size() == kMaxPasswordBytes) {
      return base::fail("keyfedctl.password-too-long",
                        "password longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    }
    line.push_back(static_cast<char>(c));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

base::Result<std::string> prompt(std::FILE* in, const char* text) {
  std::fputs(text, stderr);
  std::fflush(stderr);
  auto line = [&] {
    EchoOff quiet(::fileno(in));
    return readLine(in);
  }();
  std::fputs("\n", stderr);  // the user's Enter was not echoed
  return line;
}

}  // namespace

base::Result<std::string> readNewPassword(std::FILE* in) {
  const bool terminal = ::isatty(::fileno(in)) == 1;
  auto password = terminal ? prompt(in, "New password: ") : readLine(in);
  if (!password) return password;
  if (password->empty()) {
    return base::fail("keyfedctl.empty-password",
                      "the password is empty (give it on stdin, one line)");
  }
  if (terminal) {
    auto again = prompt(in, "Repeat it: ");
    if (!again) return again;
    if (*again != *password) {
      return base::fail("keyfedctl.password-mismatch", "the two passwords differ");
    }
  }
  return password;
}

}  // namespace keyfed::ctl
