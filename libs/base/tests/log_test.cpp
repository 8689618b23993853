#include "keyfed/base/log.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace keyfed::base {
namespace {

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Log, ParsesLevelNames) {
  LogLevel l{};
  EXPECT_TRUE(parseLogLevel("debug", l));
  EXPECT_EQ(l, LogLevel::debug);
  EXPECT_FALSE(parseLogLevel("loud", l));
}

TEST(Log, WritesComponentAndSkipsDisabledLevels) {
  auto path =
      std::filesystem::temp_directory_path() / ("keyfed-log-test-" + std::to_string(::getpid()));
  configureLogging(LogLevel::info, path.string());
  Logger log("s2s");
  log.debug("hidden {}", 1);
  log.info("peer {} refused: {}", "b.test", "below trusted");
  configureLogging(LogLevel::info);  // release the file
  auto text = readFile(path);
  std::filesystem::remove(path);
  EXPECT_NE(text.find("[s2s] peer b.test refused: below trusted"), std::string::npos) << text;
  EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
}

}  // namespace
}  // namespace keyfed::base
