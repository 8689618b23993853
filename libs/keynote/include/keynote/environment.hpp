#pragma once
// Action attribute files, as `keynote verify -e` reads them (keynote(1)):
// assignments `name = "value"`, any number per line, `#` comments to the end
// of a line. Values are KeyNote string literals (the same escapes). Names are
// [A-Za-z0-9][A-Za-z0-9_]*. Unlike the classic tool, text that is not an
// assignment is an error with its line and column, never silently ignored.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keynote/error.hpp"

namespace keynote {

using AttributeAssignments = std::vector<std::pair<std::string, std::string>>;

Outcome<AttributeAssignments> parseAttributeFile(std::string_view text);

}  // namespace keynote
