#include "core/logger.hpp"

#include <fcntl.h>
#include <unistd.h>

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

TEST(LoggerTest, SecretNamesAreFoundWhateverTheirCaseAndLength) {
  EXPECT_TRUE(Logger::IsSecretFieldName("PassWord"));
  EXPECT_TRUE(Logger::IsSecretFieldName("X-AUTHORIZATION"));
  EXPECT_TRUE(Logger::IsSecretFieldName(std::string(100, 'a') + "Token"));
  EXPECT_TRUE(Logger::IsSecretFieldName(std::string(63, 'a') + "Key"));
  EXPECT_FALSE(Logger::IsSecretFieldName(std::string(100, 'a')));
  EXPECT_FALSE(Logger::IsSecretFieldName("request_id"));
  EXPECT_FALSE(Logger::IsSecretFieldName(""));
}

TEST(LoggerTest, TimesAreUtcWithMillisecondsAcrossSeconds) {
  const auto time_of = [](std::int64_t millis) {
    return nlohmann::json::parse(Logger::Format(LogLevel::kInfo, "t", {}, millis))["time"].get<std::string>();
  };
  EXPECT_EQ(time_of(1'790'000'000'999), "2026-09-21T14:13:20.999Z");
  EXPECT_EQ(time_of(1'790'000'001'000), "2026-09-21T14:13:21.000Z");
  EXPECT_EQ(time_of(1'790'000'001'007), "2026-09-21T14:13:21.007Z");
  EXPECT_EQ(time_of(1'790'000'000'050), "2026-09-21T14:13:20.050Z");  // an earlier second again
  EXPECT_EQ(time_of(0), "1970-01-01T00:00:00.000Z");
}

TEST(LoggerTest, HostileTextCannotBreakTheLine) {
  std::string line = Logger::Format(LogLevel::kError, "bad\n{\"level\":\"info\"}\xff", {}, 0);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  EXPECT_TRUE(nlohmann::json::accept(line));
}

// The direct writer against the line built as an nlohmann object and dumped
// (how every line was written until session 16).
TEST(LoggerTest, LinesAreTheTextAJsonObjectWouldHaveGiven) {
  const std::vector<std::pair<std::string, LogFields>> cases = {
      {"http request", {{"request_id", "abc"}, {"client_ip", "::1"}, {"method", "POST"}, {"path", "/jsonrpc?x=\"1\""},
                        {"status", 200}, {"duration_ms", 0.217}, {"bytes", 1234u}}},
      {"caf\xc3\xa9 \xff", {{"Header_Value", "line\nbreak"}, {"ok", true}, {"no", false}, {"ratio", 1.0}}},
      {"secrets", {{"API_Key", "k"}, {"Session-Cookie", "c"}, {"pg_dsn", "password=x"}, {"user", "bob"}}},
      // Repeated names keep one entry: the last value in the first place.
      {"repeated", {{"status", 1}, {"route", "/a"}, {"status", 2}}},
      {"reserved names", {{"msg", "override"}, {"level", "fake"}, {"time", 0}}},
      {"", {}},
  };
  for (const auto& [msg, fields] : cases) {
    EXPECT_EQ(Logger::Format(LogLevel::kWarn, msg, fields, 1'790'000'000'123),
              Logger::FormatAsJsonObject(LogLevel::kWarn, msg, fields, 1'790'000'000'123))
        << msg;
  }
}

// fd 2 replaced by a pipe for the test's life; what reached it so far.
class StderrCapture {
 public:
  StderrCapture() {
    EXPECT_EQ(::pipe2(pipe_, O_NONBLOCK), 0);
    saved_ = ::dup(2);
    ::dup2(pipe_[1], 2);
  }
  ~StderrCapture() {
    ::dup2(saved_, 2);
    ::close(saved_);
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  std::string Written() {
    char buffer[4096];
    const ssize_t n = ::read(pipe_[0], buffer, sizeof buffer);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  int pipe_[2] = {-1, -1};
  int saved_ = -1;
};

// A CLI command prints its closing message to stderr after the lines it
// logged: they must be out already (a tenant upgrade's "INCOMPLETE" line was
// once split by log lines the buffer's thread wrote in between).
TEST(LoggerTest, TheStderrLoggerWritesAtOnceUntilAServerStartsBuffering) {
  StderrCapture capture;
  Logger logger;
  logger.Warn("first");
  EXPECT_NE(capture.Written().find("\"msg\":\"first\""), std::string::npos) << "written before Log returned";
  logger.StartBuffering();
  logger.Warn("buffered");
  logger.StopBuffering();
  EXPECT_NE(capture.Written().find("\"msg\":\"buffered\""), std::string::npos) << "written by StopBuffering";
  logger.Warn("after");
  EXPECT_NE(capture.Written().find("\"msg\":\"after\""), std::string::npos);
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
