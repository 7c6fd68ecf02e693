#include "core/json_text.hpp"

#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace citadel::core {
namespace {

std::string Reference(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string AsString(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(JsonTextTest, StringsAreWrittenAsNlohmannWritesThem) {
  for (std::string_view text : {std::string_view(""), std::string_view("plain /path?a=1"), std::string_view("quote \" here"),
                                std::string_view("back\\slash"), std::string_view("line\nbreak\ttab\x01\x1f"),
                                std::string_view("del \x7f"), std::string_view("caf\xc3\xa9 \xe2\x82\xac"),
                                std::string_view("bad \xff\xfe utf-8 \xc3"), std::string_view("nul \0 inside", 13)}) {
    EXPECT_EQ(AsString(text), Reference(std::string(text))) << text;
  }
}

TEST(JsonTextTest, RandomBytesAreWrittenAsNlohmannWritesThem) {
  std::mt19937 random(20261204);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 24), printable(0x20, 0x7e);
  for (int round = 0; round < 20'000; ++round) {
    std::string text;
    const int n = length(random);
    // Half the cases printable ASCII only (the path written here), half any byte.
    for (int i = 0; i < n; ++i) text += static_cast<char>(round % 2 ? byte(random) : printable(random));
    ASSERT_EQ(AsString(text), Reference(text)) << "round " << round;
  }
}

TEST(JsonTextTest, NumbersAreWrittenAsNlohmannWritesThem) {
  for (std::int64_t value : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{200}, std::numeric_limits<std::int64_t>::max(),
                             std::numeric_limits<std::int64_t>::min()}) {
    std::string out;
    AppendJsonInteger(out, value);
    EXPECT_EQ(out, Reference(value));
  }
  for (double value : {0.0, 1.0, 0.125, 1e-7, 123456.789, 1e300, -2.5, std::nan(""),
                       std::numeric_limits<double>::infinity()}) {
    std::string out;
    AppendJsonDouble(out, value);
    EXPECT_EQ(out, Reference(value));
  }
}

}  // namespace
}  // namespace citadel::core
