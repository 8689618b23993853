#include "keyfed/base/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace keyfed::base {
namespace {

std::atomic<LogLevel> currentLevel{LogLevel::info};
std::mutex loggerMutex;
std::shared_ptr<spdlog::logger> sink;

spdlog::level::level_enum toSpd(LogLevel l) {
  switch (l) {
    case LogLevel::trace: return spdlog::level::trace;
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
    case LogLevel::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> logger() {
  std::lock_guard lock(loggerMutex);
  if (!sink) {
    sink = spdlog::stderr_logger_mt("keyfed");
    sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    sink->set_level(toSpd(currentLevel.load()));
  }
  return sink;
}

}  // namespace

bool parseLogLevel(std::string_view name, LogLevel& out) {
  static constexpr std::pair<std::string_view, LogLevel> names[] = {
      {"trace", LogLevel::trace}, {"debug", LogLevel::debug}, {"info", LogLevel::info},
      {"warn", LogLevel::warn},   {"error", LogLevel::error}, {"off", LogLevel::off}};
  for (const auto& [n, l] : names) {
    if (n == name) {
      out = l;
      return true;
    }
  }
  return false;
}

void configureLogging(LogLevel level, const std::string& file) {
  currentLevel = level;
  std::lock_guard lock(loggerMutex);
  spdlog::drop("keyfed");
  sink =
      file.empty() ? spdlog::stderr_logger_mt("keyfed") : spdlog::basic_logger_mt("keyfed", file);
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  sink->set_level(toSpd(level));
  sink->flush_on(spdlog::level::info);
}

LogLevel logLevel() {
  return currentLevel.load(std::memory_order_relaxed);
}

void writeLog(LogLevel level, std::string_view component, std::string_view message) {
  logger()->log(toSpd(level), "[{}] {}", component, message);
}

}  // namespace keyfed::base
