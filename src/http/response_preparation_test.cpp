#include "http/response_preparation.hpp"

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

int Count(const PreparedResponse& prepared, std::string_view name) {
  int count = 0;
  for (const auto& [key, value] : prepared.headers) count += HeaderNameEquals(key, name) ? 1 : 0;
  return count;
}

std::string Value(const PreparedResponse& prepared, std::string_view name) {
  for (const auto& [key, value] : prepared.headers) {
    if (HeaderNameEquals(key, name)) return value;
  }
  return "";
}

TEST(ResponsePreparationTest, EveryStatusGetsTheSecurityHeadersAndTheRequestId) {
  for (int status : {200, 204, 301, 404, 429, 500, 504}) {
    Response response;
    response.status = status;
    auto prepared = PrepareResponse(response, SecurityHeaders(10), "abc", false);
    EXPECT_EQ(prepared.status, status);
    for (const auto& [name, value] : SecurityHeaders(10)) EXPECT_EQ(Value(prepared, name), value) << status;
    EXPECT_EQ(Value(prepared, "X-Request-Id"), "abc");
  }
}

TEST(ResponsePreparationTest, HeadersThatCouldSplitTheResponseAreDropped) {
  Response response;
  response.headers = {{"X-Ok", "fine"},
                      {"X-Bad", "a\r\nSet-Cookie: stolen=1"},
                      {"X-Nul", std::string("a\0b", 3)},
                      {"Bad Name", "x"},
                      {"", "x"}};
  auto prepared = PrepareResponse(response, SecurityHeaders(10), "id", false);
  EXPECT_EQ(Value(prepared, "X-Ok"), "fine");
  EXPECT_EQ(Count(prepared, "X-Bad"), 0);
  EXPECT_EQ(Count(prepared, "X-Nul"), 0);
  EXPECT_EQ(Count(prepared, "Bad Name"), 0);
}

TEST(ResponsePreparationTest, FramingAndTheRequestIdBelongToTheServer) {
  Response response;
  response.headers = {{"Content-Length", "99"}, {"transfer-encoding", "chunked"},
                      {"Connection", "keep-alive"}, {"X-Request-Id", "forged"},
                      {"Content-Type", "text/evil"}};
  auto prepared = PrepareResponse(response, SecurityHeaders(10), "ours", false);
  EXPECT_EQ(Count(prepared, "Content-Length"), 0);
  EXPECT_EQ(Count(prepared, "Transfer-Encoding"), 0);
  EXPECT_EQ(Count(prepared, "Connection"), 0);
  EXPECT_EQ(Value(prepared, "X-Request-Id"), "ours");
  EXPECT_EQ(Count(prepared, "Content-Type"), 1);
  EXPECT_EQ(Value(prepared, "Content-Type"), "application/json");
}

TEST(ResponsePreparationTest, AHandlerMayReplaceASecurityHeaderButNotDuplicateIt) {
  Response response;
  response.headers = {{"content-security-policy", "default-src 'self'; script-src 'nonce-x'"},
                      {"Set-Cookie", "a=1"},
                      {"Set-Cookie", "b=2"}};
  auto prepared = PrepareResponse(response, SecurityHeaders(10), "id", false);
  EXPECT_EQ(Count(prepared, "Content-Security-Policy"), 1);
  EXPECT_EQ(Value(prepared, "Content-Security-Policy"), "default-src 'self'; script-src 'nonce-x'");
  EXPECT_EQ(Count(prepared, "Set-Cookie"), 2);
}

TEST(ResponsePreparationTest, StatusesOutsideTheRangeBecome500) {
  for (int status : {0, 100, 101, 199, 600, -1}) {
    Response response;
    response.status = status;
    EXPECT_EQ(PrepareResponse(response, {}, "id", false).status, 500) << status;
  }
}

TEST(ResponsePreparationTest, HeadAnd204And304SendNoBody) {
  Response response;
  response.body = "hello";
  auto head = PrepareResponse(response, {}, "id", true);
  EXPECT_FALSE(head.send_body);
  EXPECT_EQ(head.body, "hello") << "kept for Content-Length";
  response.status = 204;
  auto no_content = PrepareResponse(response, {}, "id", false);
  EXPECT_FALSE(no_content.send_body);
  EXPECT_EQ(Count(no_content, "Content-Type"), 0);
  EXPECT_TRUE(no_content.body.empty());
}

}  // namespace
}  // namespace citadel::http
