// The edge over real sockets and real TLS on 127.0.0.1: routes, headers,
// handler behaviour, the redirect and metrics listeners, reload and stop.
// Limits have their own file (https_server_limits_test.cpp).
#include "http/https_server.hpp"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "core/clock.hpp"
#include "http/local_certificate_authority.hpp"
#include "http/test_certificates.hpp"
#include "http/test_edge_server.hpp"

namespace citadel::http {
namespace {

using testing::EdgeServerTest;
using testing::Fetch;
using testing::HttpReply;
using testing::TestConnection;

void ExpectSecurityHeaders(const HttpReply& reply) {
  EXPECT_EQ(reply.Header("Strict-Transport-Security"), "max-age=1234; includeSubDomains");
  EXPECT_EQ(reply.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(reply.Header("X-Frame-Options"), "DENY");
  EXPECT_EQ(reply.Header("Referrer-Policy"), "strict-origin-when-cross-origin");
  EXPECT_EQ(reply.Header("Content-Security-Policy"),
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  EXPECT_EQ(reply.Header("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_TRUE(reply.Header("X-Request-Id").has_value());
}

using HttpsServerTest = EdgeServerTest;

TEST_F(HttpsServerTest, ServesARouteOverTlsWithEverySecurityHeader) {
  StartServer(SmallConfig());
  auto reply = Fetch(server_->https_port(), "GET", "/hello", Client());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, R"({"hello":"world"})");
  EXPECT_EQ(reply->Header("Content-Type"), "application/json");
  ExpectSecurityHeaders(*reply);
}

TEST_F(HttpsServerTest, TheListenerRefusesTls11AndCiphersWithoutAead) {
  StartServer(SmallConfig());
  auto tls11 = Client();
  tls11.restrict_tls = [](SSL_CTX* context) {
    SSL_CTX_set_security_level(context, 0);  // or OpenSSL 3 would not offer TLS 1.1 at all
    SSL_CTX_set_cipher_list(context, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_max_proto_version(context, TLS1_1_VERSION);
  };
  EXPECT_FALSE(TestConnection::Open(server_->https_port(), tls11));
  auto cbc = Client();
  cbc.restrict_tls = [](SSL_CTX* context) {
    SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(context, "AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256");
  };
  EXPECT_FALSE(TestConnection::Open(server_->https_port(), cbc));
  auto tls12_aead = Client();
  tls12_aead.restrict_tls = [](SSL_CTX* context) {
    SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(context, "ECDHE-ECDSA-AES128-GCM-SHA256");
  };
  EXPECT_TRUE(TestConnection::Open(server_->https_port(), tls12_aead));
}

TEST_F(HttpsServerTest, UnknownPathsAre404AndWrongMethods405WithAllow) {
  StartServer(SmallConfig());
  auto missing = Fetch(server_->https_port(), "GET", "/nope", Client());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, R"({"error":"not found"})");
  ExpectSecurityHeaders(*missing);
  auto wrong = Fetch(server_->https_port(), "DELETE", "/hello", Client());
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->Header("Allow"), "GET, HEAD");
  auto dotted = Fetch(server_->https_port(), "GET", "/hello/../hello", Client());
  ASSERT_TRUE(dotted);
  EXPECT_EQ(dotted->status, 400);
}

TEST_F(HttpsServerTest, KeepsTheConnectionAliveAcrossRequests) {
  StartServer(SmallConfig());
  auto connection = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(connection->Send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"));
    auto reply = connection->ReadReply();
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->body, "hello");
  }
  // A HEAD answer announces the length but carries no body, so the next
  // answer on the same connection still parses.
  ASSERT_TRUE(connection->Send("HEAD /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto head = connection->ReadReply(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "17");
  ASSERT_TRUE(connection->Send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto get = connection->ReadReply();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, R"({"hello":"world"})");
}

TEST_F(HttpsServerTest, AResponderMayBeCalledFromAnotherThread) {
  StartServer(SmallConfig());
  threaded_delay_ms_ = 100;
  auto reply = Fetch(server_->https_port(), "GET", "/threaded", Client());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "from a worker for " + reply->Header("X-Request-Id").value_or("?"));
}

TEST_F(HttpsServerTest, OnlyTheFirstAnswerCounts) {
  StartServer(SmallConfig(), [](Router& router) {
    router.Add("GET", "/twice", [](const Request&, Responder respond) {
      respond(Response{200, "text/plain", "first", {}});
      respond(Response{500, "text/plain", "second", {}});
    });
  });
  auto connection = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->Send("GET /twice HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto reply = connection->ReadReply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "first");
  ASSERT_TRUE(connection->Send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  auto next = connection->ReadReply();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200) << "the stray second answer must not reach the next request";
}

TEST_F(HttpsServerTest, AHandlerThatNeverAnswersTimesOutWith504) {
  StartServer(SmallConfig());
  auto start = std::chrono::steady_clock::now();
  auto reply = Fetch(server_->https_port(), "GET", "/never", Client());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 504);
  ExpectSecurityHeaders(*reply);
  EXPECT_GE(elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

TEST_F(HttpsServerTest, AHandlerThatThrowsGets500WithoutItsMessage) {
  StartServer(SmallConfig());
  auto reply = Fetch(server_->https_port(), "GET", "/throws", Client());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->body.find("secret"), std::string::npos);
  ExpectSecurityHeaders(*reply);
  // The server still serves.
  auto after = Fetch(server_->https_port(), "GET", "/hello", Client());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(HttpsServerTest, ThePlainListenerRedirectsToHttps) {
  StartServer(SmallConfig());
  auto options = Client();
  options.tls = false;
  auto reply = Fetch(server_->http_port(), "GET", "/web/login?x=1", options,
                     "X-Ignored: 1\r\n");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 301);
  EXPECT_EQ(reply->Header("Location"),
            "https://localhost:" + std::to_string(server_->https_port()) + "/web/login?x=1");
  ExpectSecurityHeaders(*reply);

  auto connection = TestConnection::Open(server_->http_port(), options);
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->Send("GET /a HTTP/1.1\r\nHost: evil.com/x@y\r\n\r\n"));
  auto hostile = connection->ReadReply();
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->Header("Location"),
            "https://erp.example.com:" + std::to_string(server_->https_port()) + "/a");
}

TEST_F(HttpsServerTest, MetricsCountRequestsByRoutePattern) {
  StartServer(SmallConfig());
  metrics_->AddCollector([](std::string& out) { out += "citadel_postgres_up 1\n"; });
  ASSERT_TRUE(Fetch(server_->https_port(), "GET", "/hello", Client()));
  ASSERT_TRUE(Fetch(server_->https_port(), "GET", "/hello?q=1", Client()));
  ASSERT_TRUE(Fetch(server_->https_port(), "GET", "/no/such/page", Client()));
  auto options = Client();
  options.tls = false;
  auto reply = Fetch(server_->metrics_port(), "GET", "/metrics", options);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->Header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = reply->body;
  EXPECT_NE(text.find(R"(citadel_http_requests_total{route="/hello",method="GET",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(citadel_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
            std::string::npos);
  EXPECT_EQ(text.find("/no/such/page"), std::string::npos) << "raw paths never become labels";
  EXPECT_NE(text.find(R"(citadel_http_request_duration_seconds_count{route="/hello"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find("citadel_http_open_connections "), std::string::npos);
  EXPECT_NE(text.find("citadel_postgres_up 1\n"), std::string::npos);
  auto other = Fetch(server_->metrics_port(), "GET", "/hello", options);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
}

TEST_F(HttpsServerTest, TheAccessLogHasThePathButNoQueryHeadersOrBody) {
  StartServer(SmallConfig());
  ASSERT_TRUE(Fetch(server_->https_port(), "POST", "/echo?token=query-secret", Client(),
                    "Cookie: session=cookie-secret\r\nAuthorization: Bearer auth-secret\r\n",
                    "body-secret"));
  std::string access_line;
  for (const auto& line : LogLines()) {
    if (line.find("\"http request\"") != std::string::npos) access_line = line;
  }
  ASSERT_FALSE(access_line.empty());
  EXPECT_NE(access_line.find(R"("path":"/echo")"), std::string::npos) << access_line;
  EXPECT_NE(access_line.find(R"("route":"/echo")"), std::string::npos);
  EXPECT_NE(access_line.find(R"("status":200)"), std::string::npos);
  EXPECT_NE(access_line.find(R"("client_ip":"127.0.0.1")"), std::string::npos);
  EXPECT_NE(access_line.find("duration_ms"), std::string::npos);
  for (const auto& line : LogLines()) {
    EXPECT_EQ(line.find("secret"), std::string::npos) << line;
  }
}

TEST_F(HttpsServerTest, ReloadTlsServesTheNewCertificateAndKeepsTheOldOnFailure) {
  StartServer(SmallConfig());
  auto before = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(before);
  const std::string old_pem = before->PeerCertificatePem();

  core::FakeFileSystem other_files;
  LocalCertificateAuthority other_ca("/other", other_files, core::SystemClock::Instance());
  auto paths = other_ca.EnsureServerCertificate({});
  ASSERT_TRUE(paths);
  file_system_.WriteFileAtomic("/tls/server.crt", *other_files.ReadFile(paths->server_cert), 0644);
  file_system_.WriteFileAtomic("/tls/server.key", *other_files.ReadFile(paths->server_key), 0600);
  ASSERT_TRUE(server_->ReloadTls());
  auto options = Client();
  options.trusted_ca_pem = *other_files.ReadFile(paths->ca_cert);
  auto after = TestConnection::Open(server_->https_port(), options);
  ASSERT_TRUE(after);
  EXPECT_NE(after->PeerCertificatePem(), old_pem);

  file_system_.WriteFileAtomic("/tls/server.key", "not a key", 0600);
  auto failed = server_->ReloadTls();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("/tls/server.key"), std::string::npos);
  EXPECT_TRUE(TestConnection::Open(server_->https_port(), options)) << "the old context stays";
}

TEST_F(HttpsServerTest, ATakenPortIsAClearError) {
  StartServer(SmallConfig());
  auto config = SmallConfig();
  config.https_port = server_->https_port();
  HttpsServerOptions options;
  options.file_system = &file_system_;
  options.logger = logger_.get();
  HttpsServer second(config, Router{}, nullptr,
                     TlsCertificateFiles{"/tls/server.crt", "/tls/server.key"}, options);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "cannot listen on 127.0.0.1:" +
                                         std::to_string(server_->https_port()) +
                                         ": Address already in use");
}

TEST_F(HttpsServerTest, MetricsMustStayOnLoopback) {
  auto config = SmallConfig();
  config.metrics_listen = "0.0.0.0";
  config.metrics_port = 9464;
  HttpsServerOptions options;
  options.file_system = &file_system_;
  HttpsServer server(config, Router{}, nullptr, TlsCertificateFiles{"/tls/server.crt", "/tls/server.key"},
                     options);
  auto started = server.Start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("loopback"), std::string::npos);
}

TEST_F(HttpsServerTest, StopFinishesTheRequestInFlight) {
  StartServer(SmallConfig());
  threaded_delay_ms_ = 300;
  auto connection = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(connection);
  ASSERT_TRUE(connection->Send("GET /threaded HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto idle = TestConnection::Open(server_->https_port(), Client());
  ASSERT_TRUE(idle);
  std::thread stopper([&] { server_->Stop(); });
  auto reply = connection->ReadReply();
  stopper.join();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->Header("Connection"), "close");
  EXPECT_TRUE(idle->WaitForClose(std::chrono::milliseconds(1000)));
  EXPECT_FALSE(TestConnection::Open(server_->https_port(), Client())) << "no longer accepting";
}

}  // namespace
}  // namespace citadel::http
