// libFuzzer target: the KeyNote parser (fields, strings, Local-Constants,
// principals, Licensees, Conditions with type checking, regex compilation)
// and the action attribute file parser. Any input must be parsed or refused
// with an Error, in bounded time, without a crash or a sanitizer report.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "keynote/keynote.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > std::size_t{256} * 1024) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto strict = keynote::parseAssertion(text);
  auto lenient = keynote::parseAssertionLenient(text);
  // Strict success implies lenient success without a body error.
  if (strict && (!lenient || lenient->error)) __builtin_trap();
  if (lenient) {
    const keynote::Assertion& a = *lenient;
    // Positions stay inside the assertion; the signed region is a prefix.
    if (a.signedEnd > a.text.size()) __builtin_trap();
    (void)a.position(static_cast<std::uint32_t>(a.text.size()));
    for (const auto& node : a.licensees) {
      if (node.span.end > a.text.size()) __builtin_trap();
    }
    for (const auto& node : a.conditions.nodes) {
      if (node.span.begin > node.span.end || node.span.end > a.text.size()) __builtin_trap();
    }
  }
  auto all = keynote::parse(text);
  (void)keynote::splitAssertions(text);
  (void)keynote::parseAttributeFile(text);
  (void)keynote::unescapeString(text);
  return 0;
}
