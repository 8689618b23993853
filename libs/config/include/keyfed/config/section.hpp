#pragma once
// Extensibility: a component that owns a top-level section ([s2s], [policy],
// [agent], a module's [mam]) registers a parser for it instead of editing the
// loader. The parser reads its table through a TableReader, which records every
// problem with its file position and remembers which keys were read, so keys the
// parser did not read are reported as unknown, and top-level sections nobody
// registered are refused.
//
// Example (in the s2s component):
//   struct S2sConfig { std::chrono::seconds dialbackTimeout{30}; };
//   registry.add("s2s", [](config::TableReader& t) -> std::any {
//     S2sConfig c;
//     c.dialbackTimeout = t.seconds("dialback_timeout", c.dialbackTimeout, 1s, 3600s);
//     return c;
//   });
//   ... later: const S2sConfig* s2s = cfg.section<S2sConfig>("s2s");

#include <any>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::config {

// One problem in a configuration file.
struct Problem {
  std::string file;
  std::uint32_t line = 0;  // 1-based; 0 when the problem has no position (I/O)
  std::uint32_t column = 0;
  std::string key;   // full key path: "limits.xml_depth", "virtual_host[1].domain"
  std::string code;  // stable: config.syntax, config.unknown-key, config.type, ...
  std::string message;

  // "FILE:LINE:COLUMN: key: message"
  std::string format() const;
};

struct Config;

namespace detail {
struct ReaderState;
}

// Typed access to one TOML table. Every getter returns `fallback` when the key
// is absent, and also (after recording a problem) when the value is invalid, so
// parsing continues and all problems are reported at once. A reader is only
// valid during the parse that created it.
class TableReader {
 public:
  explicit TableReader(std::shared_ptr<detail::ReaderState> state);

  // Key path of this table: "" for the root, "s2s", "virtual_host[0]".
  const std::string& keyPath() const;
  // Directory of the configuration file (absolute).
  const std::filesystem::path& baseDir() const;
  // Whether the key is present (does not mark it as read).
  bool has(std::string_view key) const;

  // Strings must be valid UTF-8 without NUL and at most maxBytes long.
  std::string string(std::string_view key, std::string fallback, std::size_t maxBytes = 4096);
  bool boolean(std::string_view key, bool fallback);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                       std::int64_t max);
  // An integer number of seconds in [min, max].
  std::chrono::seconds seconds(std::string_view key, std::chrono::seconds fallback,
                               std::chrono::seconds min, std::chrono::seconds max);
  // A path; relative values are resolved against `base` (default: the config
  // file's directory). The fallback is resolved the same way. "" stays empty.
  std::filesystem::path path(std::string_view key, const std::filesystem::path& fallback,
                             const std::filesystem::path& base = {});
  // An array of strings (each checked as by string()).
  std::vector<std::string> strings(std::string_view key, std::vector<std::string> fallback,
                                   std::size_t maxItems = 64, std::size_t maxBytes = 4096);
  // One of `names`; returns its index, or fallbackIndex when absent or invalid.
  std::size_t choice(std::string_view key, const std::vector<std::string_view>& names,
                     std::size_t fallbackIndex);

  // A sub-table ([section.sub] or key = {...}); nullopt when absent or not a table.
  std::optional<TableReader> table(std::string_view key);
  // Like table(), but an absent (or invalid) sub-table reads as an empty one, so
  // every getter returns its default.
  TableReader tableOrEmpty(std::string_view key);
  // An array of tables ([[key]]); empty when absent or invalid.
  std::vector<TableReader> tables(std::string_view key, std::size_t maxItems = 1000);

  // Records a problem at the key's position (the table's when the key is absent).
  void error(std::string_view key, std::string code, std::string message);

 private:
  std::shared_ptr<detail::ReaderState> state_;
};

// Parses one top-level section. Always called, with an empty table when the
// section is absent, so its owner gets defaults. The returned std::any is stored
// in Config::sections under the section's name.
using SectionParser = std::function<std::any(TableReader&)>;

// Parses a top-level array of tables ([[component]] entries), one reader per
// entry. Called after the loader's own sections, so `config` already holds the
// virtual hosts and listeners an entry may be checked against; always called,
// with no entries when the array is absent. The result is stored like a
// section's.
using ArraySectionParser =
    std::function<std::any(std::vector<TableReader>& entries, const Config& config)>;

class SectionRegistry {
 public:
  // Fails ("config.registry") for built-in section names, invalid names and
  // names registered twice (as a section or as an array).
  base::Result<void> add(std::string name, SectionParser parser);
  // An array of at most `maxEntries` tables (more is a config.range problem).
  base::Result<void> addArray(std::string name, ArraySectionParser parser,
                              std::size_t maxEntries = 1000);
  const SectionParser* find(std::string_view name) const;
  const std::map<std::string, SectionParser, std::less<>>& parsers() const { return parsers_; }

  struct ArrayParser {
    ArraySectionParser parse;
    std::size_t maxEntries;
  };
  const std::map<std::string, ArrayParser, std::less<>>& arrayParsers() const {
    return arrayParsers_;
  }

 private:
  base::Result<void> checkNewName(const std::string& name, bool hasParser) const;

  std::map<std::string, SectionParser, std::less<>> parsers_;
  std::map<std::string, ArrayParser, std::less<>> arrayParsers_;
};

// Sections read by the loader itself.
const std::vector<std::string_view>& builtinSections();

}  // namespace keyfed::config
