#pragma once
// Logging facade. Callers format with fmt syntax; the sink (spdlog) stays out of
// headers. A Logger carries its component name ("c2s", "s2s", "policy") so each
// line says where it came from.

#include <fmt/core.h>

#include <string>
#include <string_view>
#include <utility>

namespace keyfed::base {

enum class LogLevel { trace, debug, info, warn, error, off };

// Parses "trace".."error"/"off"; returns false on an unknown name.
bool parseLogLevel(std::string_view name, LogLevel& out);

// Process-wide settings. `file` empty means stderr.
void configureLogging(LogLevel level, const std::string& file = {});
LogLevel logLevel();
void writeLog(LogLevel level, std::string_view component, std::string_view message);

class Logger {
 public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  template <class... Args>
  void trace(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::trace, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::debug, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::info, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::warn, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    emit(LogLevel::error, f, std::forward<Args>(args)...);
  }

  bool enabled(LogLevel level) const { return level >= logLevel(); }
  const std::string& component() const { return component_; }

 private:
  template <class... Args>
  void emit(LogLevel level, fmt::format_string<Args...> f, Args&&... args) const {
    // Formatting costs an allocation: skip it entirely for disabled levels.
    if (!enabled(level)) return;
    writeLog(level, component_, fmt::format(f, std::forward<Args>(args)...));
  }

  std::string component_;
};

}  // namespace keyfed::base
