#include "keyfed/config/config.hpp"

#include <fstream>
#include <system_error>

#include "builtin.hpp"
#include "reader_state.hpp"

namespace keyfed::config {

const char* const kDefaultCiphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

std::string_view toString(ListenerType type) {
  switch (type) {
    case ListenerType::c2s: return "c2s";
    case ListenerType::c2sDirectTls: return "c2s_direct_tls";
    case ListenerType::s2s: return "s2s";
    case ListenerType::s2sDirectTls: return "s2s_direct_tls";
    case ListenerType::https: return "https";
    case ListenerType::component: return "component";
  }
  return "unknown";
}

std::uint16_t defaultPort(ListenerType type) {
  switch (type) {
    case ListenerType::c2s: return 5222;
    case ListenerType::c2sDirectTls: return 5223;
    case ListenerType::s2s: return 5269;
    case ListenerType::s2sDirectTls: return 5270;
    case ListenerType::https: return 5443;
    case ListenerType::component: return 5347;  // Prosody's and ejabberd's component port
  }
  return 0;
}

const VirtualHost* Config::findHost(std::string_view domain) const {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const auto& h : virtualHosts) {
    if (h.domain.size() != domain.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < domain.size() && same; ++i) same = lower(domain[i]) == h.domain[i];
    if (same) return &h;
  }
  return nullptr;
}

namespace {

Problem ioProblem(const std::string& file, std::string message) {
  Problem p;
  p.file = file;
  p.code = "config.io";
  p.message = std::move(message);
  return p;
}

std::filesystem::path absolutePath(const std::filesystem::path& p) {
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return (ec ? p : abs).lexically_normal();
}

base::Result<Config> toResult(LoadOutcome outcome, const std::filesystem::path& path) {
  if (outcome.config && outcome.problems.empty()) return std::move(*outcome.config);
  std::string message;
  std::string code = "config.invalid";
  for (const auto& p : outcome.problems) {
    if (!message.empty()) message += "\n";
    message += p.format();
    if (p.code == "config.io") code = "config.io";
  }
  return base::fail(code, message, path.string());
}

}  // namespace

LoadOutcome parseConfigText(std::string_view text, const std::filesystem::path& virtualPath,
                            const SectionRegistry& registry) {
  LoadOutcome outcome;
  detail::ParseContext ctx;
  ctx.file = virtualPath.string();
  const std::filesystem::path file = absolutePath(virtualPath);
  ctx.baseDir = file.parent_path();

  if (text.size() > kMaxConfigBytes) {
    outcome.problems.push_back(ioProblem(
        ctx.file, "larger than " + std::to_string(kMaxConfigBytes) + " bytes; refusing to read"));
    return outcome;
  }

  toml::table root;
  try {
    root = toml::parse(text, ctx.file);
  } catch (const toml::parse_error& e) {
    ctx.add(e.source(), "", "config.syntax", std::string(e.description()));
    outcome.problems = std::move(ctx.problems);
    return outcome;
  }

  Config config;
  config.file = file;
  config.baseDir = ctx.baseDir;
  TableReader rootReader = ctx.reader(&root, "", root.source());
  detail::readBuiltinSections(rootReader, config);
  for (const auto& [name, parser] : registry.parsers()) {
    TableReader section = rootReader.tableOrEmpty(name);
    try {
      config.sections.emplace(name, parser(section));
    } catch (const std::exception& e) {
      // A section parser is code, not input; still, never let it escape the loader.
      section.error("", "config.internal", std::string("section parser failed: ") + e.what());
    }
  }
  for (const auto& [name, array] : registry.arrayParsers()) {
    std::vector<TableReader> entries = rootReader.tables(name, array.maxEntries);
    try {
      config.sections.emplace(name, array.parse(entries, config));
    } catch (const std::exception& e) {
      rootReader.error(name, "config.internal", std::string("section parser failed: ") + e.what());
    }
  }
  ctx.finish();

  outcome.problems = std::move(ctx.problems);
  if (outcome.problems.empty()) outcome.config = std::move(config);
  return outcome;
}

LoadOutcome parseConfigFile(const std::filesystem::path& path, const SectionRegistry& registry) {
  const std::string shown = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return {std::nullopt, {ioProblem(shown, "cannot read: no such file")}};
  }
  if (!std::filesystem::is_regular_file(status)) {
    return {std::nullopt, {ioProblem(shown, "cannot read: not a regular file")}};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, {ioProblem(shown, "cannot read: permission denied or I/O error")}};
  std::string text(kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return {std::nullopt, {ioProblem(shown, "cannot read: I/O error")}};
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parseConfigText(text, path, registry);
}

base::Result<Config> loadConfig(const std::filesystem::path& path,
                                const SectionRegistry& registry) {
  return toResult(parseConfigFile(path, registry), path);
}

base::Result<Config> loadConfigFromString(std::string_view text,
                                          const std::filesystem::path& virtualPath,
                                          const SectionRegistry& registry) {
  return toResult(parseConfigText(text, virtualPath, registry), virtualPath);
}

}  // namespace keyfed::config
