#pragma once
// Regular expressions of Conditions (`~=`): POSIX extended syntax with
// leftmost-longest matching, run by RE2 so that matching is linear in the
// input whatever the pattern. What RE2 cannot do (backreferences, Perl
// classes such as \d, which POSIX does not have either) is refused with a
// clear error; the test using such a pattern is false.

#include <string>
#include <string_view>
#include <vector>

#include "keynote/ast.hpp"
#include "keynote/limits.hpp"

namespace keynote::detail {

CompiledRegex compileRegex(std::string_view pattern, const Limits& limits);

// Unanchored search. On a match, `groups` receives the texts of the
// parenthesised groups 1..N up to the first group that did not take part in
// the match (the classic _1.._N), and `groupCount` the number of groups (_0).
bool regexSearch(const re2::RE2& re, std::string_view text, std::vector<std::string>& groups,
                 int& groupCount);

}  // namespace keynote::detail
