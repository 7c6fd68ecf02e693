#include "http/metrics_registry.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsRegistryTest, CountsRequestsByRouteMethodAndStatus) {
  MetricsRegistry metrics;
  metrics.RecordRequest("/jsonrpc", "POST", 200, 0.004);
  metrics.RecordRequest("/jsonrpc", "POST", 200, 0.2);
  metrics.RecordRequest("unmatched", "GET", 404, 0.001);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE citadel_http_requests_total counter"));
  EXPECT_TRUE(Has(text, R"(citadel_http_requests_total{route="/jsonrpc",method="POST",status="200"} 2)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
}

TEST(MetricsRegistryTest, DurationsFormACumulativeHistogram) {
  MetricsRegistry metrics;
  // Powers of two, so the sum is exact in binary floating point.
  metrics.RecordRequest("/a", "GET", 200, 0.00390625);
  metrics.RecordRequest("/a", "GET", 200, 0.125);
  metrics.RecordRequest("/a", "GET", 200, 64);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE citadel_http_request_duration_seconds histogram"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_bucket{route="/a",le="0.005"} 1)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_bucket{route="/a",le="0.1"} 1)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_bucket{route="/a",le="0.25"} 2)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_bucket{route="/a",le="10"} 2)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_bucket{route="/a",le="+Inf"} 3)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_sum{route="/a"} 64.12890625)"));
  EXPECT_TRUE(Has(text, R"(citadel_http_request_duration_seconds_count{route="/a"} 3)"));
}

TEST(MetricsRegistryTest, UnknownMethodsShareOneLabel) {
  MetricsRegistry metrics;
  metrics.RecordRequest("unmatched", "XYZZY1", 405, 0);
  metrics.RecordRequest("unmatched", "XYZZY2", 405, 0);
  EXPECT_TRUE(Has(metrics.Render(),
                  R"(citadel_http_requests_total{route="unmatched",method="OTHER",status="405"} 2)"));
}

TEST(MetricsRegistryTest, OpenConnectionsIsAGauge) {
  MetricsRegistry metrics;
  metrics.ConnectionOpened();
  metrics.ConnectionOpened();
  metrics.ConnectionClosed();
  metrics.ConnectionRefused("per_client_limit");
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE citadel_http_open_connections gauge"));
  EXPECT_TRUE(Has(text, "citadel_http_open_connections 1"));
  EXPECT_TRUE(Has(text, R"(citadel_http_connections_refused_total{reason="per_client_limit"} 1)"));
}

TEST(MetricsRegistryTest, CollectorsAppendTheirLines) {
  MetricsRegistry metrics;
  metrics.AddCollector([](std::string& out) {
    out += "# TYPE citadel_postgres_up gauge\ncitadel_postgres_up 1";  // no final newline
  });
  metrics.AddCollector([](std::string& out) {
    out += "half a line";
    throw std::runtime_error("database is down");
  });
  metrics.AddCollector([](std::string& out) {
    out += "citadel_tenant_pool_in_use{tenant=\"" + MetricsRegistry::EscapeLabelValue("a\"b\\c\nd") +
           "\"} 3\n";
  });
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "citadel_postgres_up 1"));
  EXPECT_EQ(text.find("half a line"), std::string::npos);
  EXPECT_TRUE(Has(text, R"(citadel_tenant_pool_in_use{tenant="a\"b\\c\nd"} 3)"));
}

TEST(MetricsRegistryTest, EveryLineIsACommentOrASample) {
  MetricsRegistry metrics;
  metrics.RecordRequest("/a", "GET", 200, 0.01);
  std::string text = metrics.Render();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    EXPECT_TRUE(line.starts_with("# HELP ") || line.starts_with("# TYPE ") ||
                line.starts_with("citadel_"))
        << line;
    start = end + 1;
  }
}

}  // namespace
}  // namespace citadel::http
