#include "process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>

namespace keyfed::loadgen {

namespace {
constexpr std::size_t kMaxStatusBytes =
    std::size_t{64} * 1024;  // /proc/PID/status is ~1.5 KB, stat less
}

std::optional<std::uint64_t> parseVmRss(std::string_view status) {
  constexpr std::string_view kKey = "VmRSS:";
  std::size_t pos = 0;
  while (pos < status.size()) {
    std::size_t end = status.find('\n', pos);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(kKey)) continue;
    line.remove_prefix(kKey.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    std::uint64_t kib = 0;
    auto [ptr, ec] = std::from_chars(line.data(), line.data() + line.size(), kib);
    if (ec != std::errc{} || ptr == line.data()) return std::nullopt;
    line.remove_prefix(static_cast<std::size_t>(ptr - line.data()));
    if (line != " kB") return std::nullopt;
    return kib;
  }
  return std::nullopt;
}

namespace {

std::optional<std::string> readProcFile(int pid, const char* name) {
  if (pid <= 0) return std::nullopt;
  const std::string path = "/proc/" + std::to_string(pid) + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "re");
  if (f == nullptr) return std::nullopt;
  std::string text(kMaxStatusBytes, '\0');
  const std::size_t n = std::fread(text.data(), 1, text.size(), f);
  std::fclose(f);
  text.resize(n);
  return text;
}

}  // namespace

std::optional<std::uint64_t> residentKib(int pid) {
  auto text = readProcFile(pid, "status");
  if (!text) return std::nullopt;
  return parseVmRss(*text);
}

std::optional<std::chrono::microseconds> parseStatCpu(std::string_view stat, long ticksPerSecond) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so
  // count fields from the last ')'. utime and stime are fields 14 and 15.
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticksPerSecond <= 0) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  std::uint64_t ticks = 0;
  for (int field = 3; field <= 15; ++field) {
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::size_t end = std::min(rest.find(' '), rest.size());
    if (end == 0) return std::nullopt;
    if (field >= 14) {
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + end, value);
      if (ec != std::errc{} || ptr != rest.data() + end) return std::nullopt;
      ticks += value;
    }
    rest.remove_prefix(end);
  }
  const auto tps = static_cast<std::uint64_t>(ticksPerSecond);
  return std::chrono::microseconds(ticks / tps * 1'000'000 + ticks % tps * 1'000'000 / tps);
}

std::optional<std::chrono::microseconds> processCpuTime(int pid) {
  auto text = readProcFile(pid, "stat");
  if (!text) return std::nullopt;
  return parseStatCpu(*text, ::sysconf(_SC_CLK_TCK));
}

std::chrono::microseconds ownCpuTime() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return std::chrono::microseconds(0);
  auto us = [](const timeval& tv) {
    return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
  };
  return us(usage.ru_utime) + us(usage.ru_stime);
}

std::uint64_t raiseFileLimit(std::uint64_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < needed) {
    rlimit wanted = limit;
    wanted.rlim_cur =
        limit.rlim_max == RLIM_INFINITY ? needed : std::min<rlim_t>(needed, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &wanted) == 0) limit = wanted;
  }
  return limit.rlim_cur;
}

}  // namespace keyfed::loadgen
