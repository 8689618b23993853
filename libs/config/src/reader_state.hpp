#pragma once
// Internal: what a TableReader points at. Kept out of the public header so that
// users of keyfed::config never include toml++ (a heavy header).

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "keyfed/config/section.hpp"

namespace keyfed::config::detail {

struct ReaderState;

// One parse: the problems found so far and every reader handed out, so that the
// keys nobody read can be reported once all parsers have run.
struct ParseContext {
  std::string file;  // as shown in messages
  std::filesystem::path baseDir;
  std::vector<Problem> problems;
  // Keys read so far, per table: shared by every reader of the same table, so
  // reading a table twice does not report its keys as unknown.
  struct Seen {
    std::string path;
    std::set<std::string, std::less<>> keys;
  };
  std::map<const toml::table*, Seen> seen;

  void add(const toml::source_region& where, std::string key, std::string code,
           std::string message);
  // A reader over `table` (nullptr: an empty table, for absent sections).
  TableReader reader(const toml::table* table, std::string keyPath,
                     const toml::source_region& where);
  // Reports keys of every reader that were never read, then sorts all problems
  // into file order.
  void finish();
};

struct ReaderState {
  ParseContext* ctx = nullptr;
  const toml::table* table = nullptr;
  std::string path;
  toml::source_region where;                           // the table's own position
  std::set<std::string, std::less<>>* used = nullptr;  // in ParseContext::seen; null for empty

  std::string keyPath(std::string_view key) const {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
};

// The TOML type name used in messages ("string", "integer", "table", ...).
std::string_view typeName(const toml::node& node);

}  // namespace keyfed::config::detail
