#include "core/logger.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace citadel::core {
namespace {

TEST(LoggerTest, OneJsonObjectPerLineWithTimeLevelAndFields) {
  std::string line = Logger::Format(LogLevel::kInfo, "request", {{"status", 200}, {"route", "/web/health"},
                                    {"duration_ms", 1.5}}, 1'790'000'000'123);
  ASSERT_EQ(line.back(), '\n');
  ASSERT_EQ(line.find('\n'), line.size() - 1);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2026-09-21T14:13:20.123Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "request");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["route"], "/web/health");
}

TEST(LoggerTest, SecretFieldsAreRedactedWhateverTheirValue) {
  std::string line = Logger::Format(LogLevel::kWarn, "oops",
                                    {{"admin_password", "hunter2-secret"}, {"session_cookie", "abc"},
                                     {"api_token", "tok"}, {"pg_dsn", "password=x"}}, 0);
  EXPECT_EQ(line.find("hunter2"), std::string::npos);
  EXPECT_EQ(line.find("password=x"), std::string::npos);
  EXPECT_EQ(line.find("\"abc\""), std::string::npos);
  EXPECT_NE(line.find("[redacted]"), std::string::npos);
}

TEST(LoggerTest, HostileTextCannotBreakTheLine) {
  std::string line = Logger::Format(LogLevel::kError, "bad\n{\"level\":\"info\"}\xff", {}, 0);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_TRUE(nlohmann::json::accept(line));
}

TEST(LoggerTest, LevelFilterAndSink) {
  std::vector<std::string> lines;
  Logger logger([&](std::string_view l) { lines.emplace_back(l); });
  logger.SetLevel(LogLevel::kWarn);
  logger.Info("hidden");
  logger.Error("shown");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("shown"), std::string::npos);
}

}  // namespace
}  // namespace citadel::core
