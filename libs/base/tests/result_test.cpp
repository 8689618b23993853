#include "keyfed/base/result.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace keyfed::base {
namespace {

Result<int> parsePort(std::string_view text) {
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return fail("port.syntax", "not a number", "config.toml:3:8");
    value = value * 10 + (c - '0');
    if (value > 65535) return fail("port.range", "port out of range");
  }
  return value;
}

TEST(Result, CarriesValue) {
  auto r = parsePort("5222");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 5222);
}

TEST(Result, CarriesErrorWithCodeAndLocation) {
  auto r = parsePort("52x");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "port.syntax");
  EXPECT_EQ(r.error().describe(), "config.toml:3:8: not a number [port.syntax]");
}

TEST(Result, DescribeWithoutLocation) {
  auto r = parsePort("99999");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().describe(), "port out of range [port.range]");
}

TEST(Result, MoveOnlyValueAndErrorMove) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  ASSERT_TRUE(r);
  auto owned = std::move(r).value();
  EXPECT_EQ(*owned, 7);
  Result<std::unique_ptr<int>> bad = fail("a", "b");
  Error e = std::move(bad).error();
  EXPECT_EQ(e.code, "a");
}

TEST(Result, ValueOr) {
  EXPECT_EQ(parsePort("x").value_or(5269), 5269);
  EXPECT_EQ(parsePort("80").value_or(5269), 80);
}

TEST(Result, VoidResult) {
  Result<> ok{};
  EXPECT_TRUE(ok.has_value());
  Result<> bad = fail("x", "y");
  EXPECT_FALSE(bad.has_value());
}

}  // namespace
}  // namespace keyfed::base
