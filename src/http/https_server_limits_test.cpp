// Every limit of core::LimitsConfig, shown over real sockets and real TLS:
// body and header size, the whole-request deadline against a slowloris
// client, connections per client, requests per second per client with the
// allow-list, and X-Forwarded-For from trusted proxies only. Source addresses
// 127.0.0.2, .3, ... act as different clients.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/test_edge_server.hpp"

namespace citadel::http {
namespace {

using testing::EdgeServerTest;
using testing::Fetch;
using testing::TestConnection;
using namespace std::chrono_literals;

using HttpsServerLimitsTest = EdgeServerTest;

TEST_F(HttpsServerLimitsTest, AnOversizeBodyGets413) {
  StartServer(SmallConfig(), [](Router& router) {
    router.Add("POST", "/upload", [](const Request& request, Responder respond) {
      respond(Response{200, "text/plain", std::to_string(request.body.size()), {}});
    }, RouteOptions{4096});
  });
  auto small = Fetch(server_->https_port(), "POST", "/echo", Client(), "", std::string(1024, 'a'));
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200);
  auto large = Fetch(server_->https_port(), "POST", "/echo", Client(), "", std::string(2048, 'a'));
  ASSERT_TRUE(large);
  EXPECT_EQ(large->status, 413);
  EXPECT_EQ(large->Header("Strict-Transport-Security"), "max-age=1234; includeSubDomains");
  // The route's own limit is larger than the default.
  auto upload = Fetch(server_->https_port(), "POST", "/upload", Client(), "", std::string(4096, 'a'));
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 200);
  auto too_big = Fetch(server_->https_port(), "POST", "/upload", Client(), "", std::string(4097, 'a'));
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
}

TEST_F(HttpsServerLimitsTest, AChunkedBodyOverTheLimitGets413) {
  StartServer(SmallConfig());
  auto connection = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  std::string chunk(1000, 'b');
  ASSERT_TRUE(connection->Send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "3e8\r\n" + chunk + "\r\n3e8\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto reply = connection->ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(HttpsServerLimitsTest, TheOperatorsRouteLimitWins) {
  auto config = SmallConfig();
  config.limits.route_body_bytes["/echo"] = 10;
  StartServer(config);
  auto reply = Fetch(server_->https_port(), "POST", "/echo", Client(), "", std::string(11, 'a'));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(HttpsServerLimitsTest, AmbiguousFramingIsRefused) {
  StartServer(SmallConfig());
  // Both framings, or two lengths, are how requests are smuggled past proxies.
  for (const char* framing : {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                              "Content-Length: 5\r\nContent-Length: 6\r\n"}) {
    auto connection = TestConnection::Open(server_->https_port(), Client());
    ASSERT_TRUE(connection);
    ASSERT_TRUE(connection->Send(std::string("POST /echo HTTP/1.1\r\nHost: localhost\r\n") + framing +
                                 "\r\n0\r\n\r\n"));
    auto reply = connection->ReadReply();
    ASSERT_TRUE(reply) << framing;
    EXPECT_EQ(reply->status, 400) << framing;
    EXPECT_TRUE(connection->WaitForClose(2000ms)) << framing;
  }
}

TEST_F(HttpsServerLimitsTest, OversizeHeadersGet431) {
  StartServer(SmallConfig());
  auto reply = Fetch(server_->https_port(), "GET", "/hello", Client(),
                     "X-Big: " + std::string(5000, 'h') + "\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(reply->Header("X-Frame-Options"), "DENY");
}

TEST_F(HttpsServerLimitsTest, ASlowlorisClientIsCutOffAtTheRequestTimeout) {
  StartServer(SmallConfig());  // request_timeout_seconds = 1
  auto connection = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  const std::string request = "GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: abcdefghijklmnopqrstuvwxyz\r\n";
  auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (char byte : request) {
    if (!connection->Send(std::string(1, byte)) || connection->WaitForClose(200ms)) {
      closed = true;
      break;
    }
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed) << "the server kept a trickling request open";
  EXPECT_LT(elapsed, 2500ms);
  EXPECT_GE(elapsed, 600ms);
}

TEST_F(HttpsServerLimitsTest, ASilentClientIsCutOffBeforeTheHandshake) {
  StartServer(SmallConfig());
  auto options = Client();
  options.tls = false;  // TCP only: the client never starts TLS
  auto connection = TestConnection::Open(server_->https_port(), options);
  ASSERT_TRUE(connection);
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(connection->WaitForClose(3000ms));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
}

TEST_F(HttpsServerLimitsTest, ConnectionsPerClientAreCapped) {
  auto config = SmallConfig();
  config.limits.max_connections_per_ip = 2;
  StartServer(config);
  auto first = TestConnection::Open(server_->https_port(), Client("127.0.0.2"));
  auto second = TestConnection::Open(server_->https_port(), Client("127.0.0.2"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(TestConnection::Open(server_->https_port(), Client("127.0.0.2")));
  auto other_client = TestConnection::Open(server_->https_port(), Client("127.0.0.3"));
  EXPECT_TRUE(other_client);
  first.reset();  // a closed connection gives its place back
  bool admitted = false;
  for (int attempt = 0; attempt < 20 && !admitted; ++attempt) {
    admitted = TestConnection::Open(server_->https_port(), Client("127.0.0.2")) != nullptr;
    if (!admitted) std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(admitted);
  EXPECT_NE(metrics_->Render().find(R"(citadel_http_connections_refused_total{reason="per_client_limit"})"),
            std::string::npos);
}

TEST_F(HttpsServerLimitsTest, ConnectionsInTotalAreCapped) {
  auto config = SmallConfig();
  config.limits.max_connections = 2;
  StartServer(config);
  auto first = TestConnection::Open(server_->https_port(), Client("127.0.0.2"));
  auto second = TestConnection::Open(server_->https_port(), Client("127.0.0.3"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(TestConnection::Open(server_->https_port(), Client("127.0.0.4")));
}

TEST_F(HttpsServerLimitsTest, RequestsPerSecondPerClientGet429WithRetryAfter) {
  auto config = SmallConfig();
  config.limits.requests_per_second_per_ip = 0.5;
  config.limits.request_burst_per_ip = 3;
  config.limits.allow = {*core::IpNetwork::Parse("127.0.0.3/32")};
  StartServer(config);
  const int port = server_->https_port();
  for (int i = 0; i < 3; ++i) {
    auto reply = Fetch(port, "GET", "/hello", Client("127.0.0.2"));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200) << i;
  }
  auto limited = Fetch(port, "GET", "/hello", Client("127.0.0.2"));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  int retry_after = std::stoi(limited->Header("Retry-After").value_or("0"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 2);
  EXPECT_EQ(limited->Header("Content-Security-Policy").has_value(), true);

  auto other = Fetch(port, "GET", "/hello", Client("127.0.0.4"));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << "each client has its own bucket";
  for (int i = 0; i < 10; ++i) {
    auto allowed = Fetch(port, "GET", "/hello", Client("127.0.0.3"));
    ASSERT_TRUE(allowed);
    EXPECT_EQ(allowed->status, 200) << "the allow-list is exempt, request " << i;
  }
}

TEST_F(HttpsServerLimitsTest, XForwardedForIsBelievedOnlyFromTrustedProxies) {
  auto config = SmallConfig();
  config.limits.trusted_proxies = {*core::IpNetwork::Parse("127.0.0.5/32")};
  StartServer(config);
  auto proxied = Fetch(server_->https_port(), "GET", "/whoami", Client("127.0.0.5"),
                       "X-Forwarded-For: 1.2.3.4, 203.0.113.9\r\n");
  ASSERT_TRUE(proxied);
  EXPECT_EQ(proxied->body, "203.0.113.9");
  auto forged = Fetch(server_->https_port(), "GET", "/whoami", Client("127.0.0.2"),
                      "X-Forwarded-For: 203.0.113.9\r\n");
  ASSERT_TRUE(forged);
  EXPECT_EQ(forged->body, "127.0.0.2");
}

TEST_F(HttpsServerLimitsTest, RateLimitsApplyToTheClientBehindATrustedProxy) {
  auto config = SmallConfig();
  config.limits.trusted_proxies = {*core::IpNetwork::Parse("127.0.0.5/32")};
  config.limits.requests_per_second_per_ip = 0.1;
  config.limits.request_burst_per_ip = 1;
  StartServer(config);
  const int port = server_->https_port();
  auto first = Fetch(port, "GET", "/hello", Client("127.0.0.5"), "X-Forwarded-For: 203.0.113.1\r\n");
  auto second = Fetch(port, "GET", "/hello", Client("127.0.0.5"), "X-Forwarded-For: 203.0.113.1\r\n");
  auto third = Fetch(port, "GET", "/hello", Client("127.0.0.5"), "X-Forwarded-For: 203.0.113.2\r\n");
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(third->status, 200);
}

}  // namespace
}  // namespace citadel::http
