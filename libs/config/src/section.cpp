#include <algorithm>
#include <utility>

#include "keyfed/config/section.hpp"
#include "reader_state.hpp"

namespace keyfed::config {

using detail::ReaderState;

std::string Problem::format() const {
  std::string out = file;
  if (line != 0) {
    out += ":" + std::to_string(line) + ":" + std::to_string(column);
  }
  out += ": ";
  if (!key.empty()) {
    out += key;
    out += ": ";
  }
  out += message;
  return out;
}

namespace detail {

void ParseContext::add(const toml::source_region& where, std::string key, std::string code,
                       std::string message) {
  Problem p;
  p.file = file;
  // Problems about the file as a whole (a missing section) point at its start.
  p.line = where.begin.line == 0 ? 1 : where.begin.line;
  p.column = where.begin.column == 0 ? 1 : where.begin.column;
  p.key = std::move(key);
  p.code = std::move(code);
  p.message = std::move(message);
  problems.push_back(std::move(p));
}

TableReader ParseContext::reader(const toml::table* table, std::string keyPath,
                                 const toml::source_region& where) {
  auto state = std::make_shared<ReaderState>();
  state->ctx = this;
  state->table = table;
  state->path = std::move(keyPath);
  state->where = where;
  if (table != nullptr) {
    Seen& s = seen[table];
    s.path = state->path;
    state->used = &s.keys;
  }
  return TableReader(state);
}

void ParseContext::finish() {
  for (const auto& [table, s] : seen) {
    for (const auto& [k, node] : *table) {
      if (s.keys.count(k.str()) != 0) continue;
      const bool section = s.path.empty() && node.is_table();
      add(k.source(), s.path.empty() ? std::string(k.str()) : s.path + "." + std::string(k.str()),
          section ? "config.unknown-section" : "config.unknown-key",
          section ? "unknown section" : "unknown key");
    }
  }
  std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

std::string_view typeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::none: break;
  }
  return "nothing";
}

}  // namespace detail

namespace {

// Finds `key` and marks it as read.
const toml::node* lookup(ReaderState& s, std::string_view key) {
  if (s.table == nullptr) return nullptr;
  const toml::node* node = s.table->get(key);
  if (node != nullptr) s.used->emplace(key);
  return node;
}

void typeError(ReaderState& s, std::string_view key, const toml::node& node,
               std::string_view expected) {
  s.ctx->add(
      node.source(), s.keyPath(key), "config.type",
      "expected " + std::string(expected) + ", found " + std::string(detail::typeName(node)));
}

// toml++ guarantees valid UTF-8; NUL is still possible through "\u0000" and
// would cut paths and C strings short.
bool checkText(ReaderState& s, std::string_view key, const toml::node& node, std::string_view text,
               std::size_t maxBytes) {
  if (text.find('\0') != std::string_view::npos) {
    s.ctx->add(node.source(), s.keyPath(key), "config.value", "must not contain NUL");
    return false;
  }
  if (text.size() > maxBytes) {
    s.ctx->add(node.source(), s.keyPath(key), "config.range",
               "longer than " + std::to_string(maxBytes) + " bytes");
    return false;
  }
  return true;
}

std::filesystem::path resolve(const std::filesystem::path& p, const std::filesystem::path& base) {
  if (p.empty()) return {};
  if (p.is_absolute()) return p.lexically_normal();
  return (base / p).lexically_normal();
}

}  // namespace

TableReader::TableReader(std::shared_ptr<detail::ReaderState> state) : state_(std::move(state)) {}

const std::string& TableReader::keyPath() const {
  return state_->path;
}

const std::filesystem::path& TableReader::baseDir() const {
  return state_->ctx->baseDir;
}

bool TableReader::has(std::string_view key) const {
  return state_->table != nullptr && state_->table->contains(key);
}

std::string TableReader::string(std::string_view key, std::string fallback, std::size_t maxBytes) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return fallback;
  const auto* str = node->as_string();
  if (str == nullptr) {
    typeError(s, key, *node, "a string");
    return fallback;
  }
  if (!checkText(s, key, *node, str->get(), maxBytes)) return fallback;
  return str->get();
}

bool TableReader::boolean(std::string_view key, bool fallback) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return fallback;
  const auto* b = node->as_boolean();
  if (b == nullptr) {
    typeError(s, key, *node, "a boolean (true or false)");
    return fallback;
  }
  return b->get();
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                  std::int64_t max) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return fallback;
  const auto* i = node->as_integer();
  if (i == nullptr) {
    typeError(s, key, *node, "an integer");
    return fallback;
  }
  const std::int64_t v = i->get();
  if (v < min || v > max) {
    s.ctx->add(node->source(), s.keyPath(key), "config.range",
               "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", found " + std::to_string(v));
    return fallback;
  }
  return v;
}

std::chrono::seconds TableReader::seconds(std::string_view key, std::chrono::seconds fallback,
                                          std::chrono::seconds min, std::chrono::seconds max) {
  return std::chrono::seconds{integer(key, fallback.count(), min.count(), max.count())};
}

std::filesystem::path TableReader::path(std::string_view key, const std::filesystem::path& fallback,
                                        const std::filesystem::path& base) {
  const std::filesystem::path& from = base.empty() ? state_->ctx->baseDir : base;
  const std::string text = string(key, fallback.string());
  return resolve(std::filesystem::path(text), from);
}

std::vector<std::string> TableReader::strings(std::string_view key,
                                              std::vector<std::string> fallback,
                                              std::size_t maxItems, std::size_t maxBytes) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return fallback;
  const auto* arr = node->as_array();
  if (arr == nullptr) {
    typeError(s, key, *node, "an array of strings");
    return fallback;
  }
  if (arr->size() > maxItems) {
    s.ctx->add(node->source(), s.keyPath(key), "config.range",
               "at most " + std::to_string(maxItems) + " entries allowed");
    return fallback;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const toml::node& el = *arr->get(i);
    const std::string elKey = std::string(key) + "[" + std::to_string(i) + "]";
    const auto* str = el.as_string();
    if (str == nullptr) {
      typeError(s, elKey, el, "a string");
      ok = false;
      continue;
    }
    if (!checkText(s, elKey, el, str->get(), maxBytes)) {
      ok = false;
      continue;
    }
    out.push_back(str->get());
  }
  return ok ? out : fallback;
}

std::size_t TableReader::choice(std::string_view key, const std::vector<std::string_view>& names,
                                std::size_t fallbackIndex) {
  ReaderState& s = *state_;
  const toml::node* node = s.table == nullptr ? nullptr : s.table->get(key);
  if (node == nullptr) return fallbackIndex;
  const std::size_t before = s.ctx->problems.size();
  const std::string value = string(key, {});
  if (s.ctx->problems.size() != before) return fallbackIndex;  // string() reported it
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == value) return i;
  }
  std::string expected;
  for (std::string_view n : names) {
    if (!expected.empty()) expected += ", ";
    expected += "\"" + std::string(n) + "\"";
  }
  s.ctx->add(node->source(), s.keyPath(key), "config.value",
             "must be one of " + expected + ", found \"" + value + "\"");
  return fallbackIndex;
}

std::optional<TableReader> TableReader::table(std::string_view key) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return std::nullopt;
  const auto* tbl = node->as_table();
  if (tbl == nullptr) {
    typeError(s, key, *node, "a table");
    return std::nullopt;
  }
  return s.ctx->reader(tbl, s.keyPath(key), tbl->source());
}

TableReader TableReader::tableOrEmpty(std::string_view key) {
  if (auto t = table(key)) return *t;
  ReaderState& s = *state_;
  return s.ctx->reader(nullptr, s.keyPath(key), s.where);
}

std::vector<TableReader> TableReader::tables(std::string_view key, std::size_t maxItems) {
  ReaderState& s = *state_;
  const toml::node* node = lookup(s, key);
  if (node == nullptr) return {};
  const auto* arr = node->as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    typeError(s, key, *node, "an array of tables ([[" + std::string(key) + "]])");
    return {};
  }
  if (arr->size() > maxItems) {
    s.ctx->add(node->source(), s.keyPath(key), "config.range",
               "at most " + std::to_string(maxItems) + " entries allowed");
    return {};
  }
  std::vector<TableReader> out;
  out.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto* tbl = arr->get(i)->as_table();
    out.push_back(
        s.ctx->reader(tbl, s.keyPath(key) + "[" + std::to_string(i) + "]", tbl->source()));
  }
  return out;
}

void TableReader::error(std::string_view key, std::string code, std::string message) {
  ReaderState& s = *state_;
  const toml::node* node = s.table == nullptr ? nullptr : s.table->get(key);
  const toml::source_region& where = node != nullptr ? node->source() : s.where;
  s.ctx->add(where, key.empty() ? s.path : s.keyPath(key), std::move(code), std::move(message));
}

const std::vector<std::string_view>& builtinSections() {
  static const std::vector<std::string_view> names = {"server", "storage",      "tls",     "limits",
                                                      "c2s",    "virtual_host", "listener"};
  return names;
}

base::Result<void> SectionRegistry::checkNewName(const std::string& name, bool hasParser) const {
  const bool valid =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
  if (!valid) {
    return base::fail("config.registry",
                      "section name \"" + name + "\" must be 1-64 characters of a-z, 0-9, _");
  }
  const auto& builtins = builtinSections();
  if (std::find(builtins.begin(), builtins.end(), name) != builtins.end()) {
    return base::fail("config.registry", "section [" + name + "] is read by the loader itself");
  }
  if (!hasParser) return base::fail("config.registry", "section [" + name + "] has no parser");
  if (parsers_.count(name) != 0 || arrayParsers_.count(name) != 0) {
    return base::fail("config.registry", "section [" + name + "] is registered twice");
  }
  return {};
}

base::Result<void> SectionRegistry::add(std::string name, SectionParser parser) {
  if (auto ok = checkNewName(name, static_cast<bool>(parser)); !ok) return ok;
  parsers_.emplace(std::move(name), std::move(parser));
  return {};
}

base::Result<void> SectionRegistry::addArray(std::string name, ArraySectionParser parser,
                                             std::size_t maxEntries) {
  if (auto ok = checkNewName(name, static_cast<bool>(parser)); !ok) return ok;
  arrayParsers_.emplace(std::move(name), ArrayParser{std::move(parser), maxEntries});
  return {};
}

const SectionParser* SectionRegistry::find(std::string_view name) const {
  auto it = parsers_.find(name);
  return it == parsers_.end() ? nullptr : &it->second;
}

}  // namespace keyfed::config
