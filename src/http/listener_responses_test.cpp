#include "http/listener_responses.hpp"

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

std::string HeaderOf(const Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (HeaderNameEquals(key, name)) return value;
  }
  return "";
}

TEST(ListenerResponsesTest, TheMetricsPageIsPrometheusTextAtSlashMetricsOnly) {
  MetricsRegistry metrics;
  metrics.RecordRequest("/a", "GET", 200, 0.01);
  auto page = MetricsPage("GET", "/metrics", metrics);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(page.body.find("citadel_http_requests_total"), std::string::npos);
  EXPECT_EQ(MetricsPage("HEAD", "/metrics", metrics).status, 200);
  EXPECT_EQ(MetricsPage("GET", "/", metrics).status, 404);
  EXPECT_EQ(MetricsPage("GET", "/metrics/x", metrics).status, 404);
  auto post = MetricsPage("POST", "/metrics", metrics);
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(HeaderOf(post, "Allow"), "GET, HEAD");
}

TEST(ListenerResponsesTest, TheRedirectIsAPermanentMoveWithNoBody) {
  auto redirect = RedirectToHttps("erp.example.com:8080", "/web?a=1", 8443, "localhost");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(HeaderOf(redirect, "Location"), "https://erp.example.com:8443/web?a=1");
  EXPECT_TRUE(redirect.body.empty());
  EXPECT_TRUE(redirect.content_type.empty());
}

TEST(ListenerResponsesTest, TooManyRequestsSaysWhenToComeBack) {
  auto refused = TooManyRequests(7);
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(HeaderOf(refused, "Retry-After"), "7");
  EXPECT_EQ(HeaderOf(TooManyRequests(0), "Retry-After"), "1");
}

TEST(ListenerResponsesTest, OnlyPlainRequestIdsArePassedOn) {
  EXPECT_TRUE(IsAcceptableRequestId("4bf92f3577b34da6a3ce929d0e0e4736"));
  EXPECT_TRUE(IsAcceptableRequestId("req-1.2_3"));
  EXPECT_FALSE(IsAcceptableRequestId(""));
  EXPECT_FALSE(IsAcceptableRequestId(std::string(65, 'a')));
  EXPECT_FALSE(IsAcceptableRequestId("a b"));
  EXPECT_FALSE(IsAcceptableRequestId("a\"}"));
}

}  // namespace
}  // namespace citadel::http
