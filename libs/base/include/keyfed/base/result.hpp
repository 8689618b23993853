#pragma once
// Expected failures travel as values: Result<T> holds a T or an Error.
// Exceptions are kept for programming errors and out-of-memory; nothing that
// arrives from the network or a file is allowed to throw past a parser.
//
// Result mirrors the std::expected API (has_value, value, error, operator*,
// operator->). We do not use std::expected itself: libstdc++ 12 only enables it
// for compilers with C++20 concepts level 202002, which excludes clang 14, the
// compiler behind clang-tidy and libFuzzer on Debian 12 (docs/decisions.md).

#include <cassert>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace keyfed::base {

// A stable machine-readable code ("config.unknown-key", "xml.too-deep"), a
// human-readable message, and where it happened when there is a source text.
struct Error {
  std::string code;
  std::string message;
  std::string where;  // "file:line:column", "peer 127.0.0.1:5269", or empty

  std::string describe() const {
    std::string out;
    if (!where.empty()) {
      out += where;
      out += ": ";
    }
    out += message;
    out += " [";
    out += code;
    out += "]";
    return out;
  }
};

// The failing side of a Result, convertible to any Result<T>.
struct Failure {
  Error error;
};

inline Failure fail(std::string code, std::string message, std::string where = {}) {
  return Failure{Error{std::move(code), std::move(message), std::move(where)}};
}
inline Failure fail(Error e) {
  return Failure{std::move(e)};
}

template <class T>
class Result;

namespace detail {
template <class U>
inline constexpr bool isResult = false;
template <class U>
inline constexpr bool isResult<Result<U>> = true;
}  // namespace detail

// What a Result<T> may be built from besides a Failure.
template <class U, class T>
concept ValueFor =
    std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, Failure> &&
    !detail::isResult<std::remove_cvref_t<U>>;

template <class T = void>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  // Implicit by design: `return value;` and `return fail(...);` both work.
  // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): ValueFor excludes Result itself
  template <ValueFor<T> U = T>
  Result(U&& v) : state_(std::in_place_index<0>, std::forward<U>(v)) {}      // NOLINT
  Result(Failure f) : state_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(state_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure f) : error_(std::move(f.error)) {}  // NOLINT: implicit by design

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  const Error& error() const& {
    assert(error_.has_value());
    return *error_;
  }
  Error&& error() && {
    assert(error_.has_value());
    return std::move(*error_);
  }

 private:
  std::optional<Error> error_;
};

}  // namespace keyfed::base
