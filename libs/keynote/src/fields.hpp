#pragma once
// Splitting an assertion into its fields (RFC 2704 section 4.1) with the field
// rules of the classic implementation: a field starts at the beginning of a
// line with `Name:`; names are case-insensitive and may be abbreviated to any
// prefix (`Licensee:` is Licensees, `C:` is Conditions); a line starting with
// blank space, or with `#`, continues the field; a blank line ends the
// assertion. KeyNote-Version must come first, Signature last, each field at
// most once, and Authorizer is mandatory.

#include <array>
#include <cstdint>
#include <string_view>

#include "keynote/error.hpp"

namespace keynote::detail {

enum class Field : std::uint8_t {
  Version,
  LocalConstants,
  Authorizer,
  Licensees,
  Conditions,
  Signature,
  Comment,
};
inline constexpr std::size_t kFieldCount = 7;

struct FieldRange {
  bool present = false;
  std::uint32_t keyword = 0;  // first byte of the field name
  std::uint32_t begin = 0;    // first byte after the colon
  std::uint32_t end = 0;      // end of the value (exclusive)
};

struct FieldLayout {
  std::size_t start = 0;  // offset in the input of the assertion's first byte
  std::size_t end = 0;    // offset in the input just past the assertion
  // Offsets relative to `start` (into the assertion text).
  std::array<FieldRange, kFieldCount> fields{};

  [[nodiscard]] const FieldRange& operator[](Field f) const {
    return fields[static_cast<std::size_t>(f)];
  }
};

// `line`/`column` are the position of input[0] in the caller's file.
Outcome<FieldLayout> scanFields(std::string_view input, int line = 1, int column = 1);

const char* fieldName(Field f);

}  // namespace keynote::detail
