#include "http/access_log.hpp"

#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(AccessLogTest, WritesOneJsonLineWithTheRequestAndOutcome) {
  std::vector<std::string> lines;
  core::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
  WriteAccessLog(logger, AccessLogEntry{"abc123", "203.0.113.9", "POST", "/jsonrpc", "/jsonrpc",
                                        200, 12.3456789, 512});
  ASSERT_EQ(lines.size(), 1u);
  auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["msg"], "http request");
  EXPECT_EQ(line["request_id"], "abc123");
  EXPECT_EQ(line["client_ip"], "203.0.113.9");
  EXPECT_EQ(line["method"], "POST");
  EXPECT_EQ(line["route"], "/jsonrpc");
  EXPECT_EQ(line["path"], "/jsonrpc");
  EXPECT_EQ(line["status"], 200);
  EXPECT_DOUBLE_EQ(line["duration_ms"].get<double>(), 12.346);
  EXPECT_EQ(line["bytes"], 512);
}

TEST(AccessLogTest, AnOverlongPathIsCut) {
  std::vector<std::string> lines;
  core::Logger logger([&](std::string_view line) { lines.emplace_back(line); });
  WriteAccessLog(logger, AccessLogEntry{"id", "::1", "GET", "unmatched", "/" + std::string(5000, 'a'),
                                        404, 0, 0});
  auto line = nlohmann::json::parse(lines.at(0));
  EXPECT_LT(line["path"].get<std::string>().size(), 600u);
}

}  // namespace
}  // namespace citadel::http
