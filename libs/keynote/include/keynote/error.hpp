#pragma once
// Errors of the KeyNote library. libs/keynote stands alone (it is also built
// without the rest of keyfed), so it carries its own small result type instead
// of keyfed::Result.

#include <string>
#include <utility>
#include <variant>

namespace keynote {

struct Error {
  std::string code;     // stable, machine-readable: "syntax", "limit", "bad-key", ...
  std::string message;  // for humans
  int line = 0;         // 1-based position in the assertion text, 0 when not applicable
  int column = 0;

  [[nodiscard]] std::string describe() const {
    std::string out;
    if (line > 0) {
      out += std::to_string(line) + ":" + std::to_string(column) + ": ";
    }
    out += code + ": " + message;
    return out;
  }
};

// Either a value or an Error. Deliberately tiny: ok(), value(), error(), and
// operator bool; no exceptions are thrown by the library on bad input.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Outcome(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &std::get<0>(state_); }
  const T* operator->() const { return &std::get<0>(state_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  [[nodiscard]] const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Unit {};
using Status = Outcome<Unit>;
inline Status okStatus() {
  return Unit{};
}

inline Error makeError(std::string code, std::string message, int line = 0, int column = 0) {
  return Error{std::move(code), std::move(message), line, column};
}

}  // namespace keynote
