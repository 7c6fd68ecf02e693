#include "http/test_edge_server.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "http/test_certificates.hpp"

namespace citadel::http::testing {

core::ServerConfig EdgeServerTest::SmallConfig() {
  core::ServerConfig config;
  config.listen = "127.0.0.1";
  config.https_port = 0;
  config.http_port = 0;
  config.metrics_port = 0;
  config.io_threads = 2;
  config.public_host = "erp.example.com";
  config.hsts_max_age_seconds = 1234;
  config.limits.max_header_bytes = 4096;
  config.limits.max_body_bytes = 1024;
  config.limits.request_timeout_seconds = 1;
  config.limits.idle_timeout_seconds = 5;
  config.limits.max_connections = 64;
  config.limits.max_connections_per_ip = 16;
  config.limits.requests_per_second_per_ip = 1000;
  config.limits.request_burst_per_ip = 1000;
  return config;
}

void EdgeServerTest::StartServer(core::ServerConfig config,
                                 const std::function<void(Router&)>& extra_routes) {
  const auto& certificates = LocalhostCertificates();
  file_system_.WriteFileAtomic("/tls/server.crt", certificates.server_cert_pem, 0644);
  file_system_.WriteFileAtomic("/tls/server.key", certificates.server_key_pem, 0600);
  logger_ = std::make_unique<core::Logger>([this](std::string_view line) {
    std::lock_guard lock(log_mutex_);
    log_lines_.emplace_back(line);
  });

  Router router;
  router.Add("GET", "/hello", [](const Request&, Responder respond) {
    respond(Response{200, "application/json", R"({"hello":"world"})", {}});
  });
  router.Add("POST", "/echo", [](const Request& request, Responder respond) {
    respond(Response{200, "text/plain", request.body, {}});
  });
  router.Add("GET", "/whoami", [](const Request& request, Responder respond) {
    respond(Response{200, "text/plain", request.client_ip.ToString(), {}});
  });
  router.Add("GET", "/never", [](const Request&, Responder) {});
  router.Add("GET", "/throws", [](const Request&, Responder) -> void {
    throw std::runtime_error("secret-database-password");
  });
  router.Add("GET", "/threaded", [this](const Request& request, Responder respond) {
    std::string id = request.request_id;
    std::lock_guard lock(log_mutex_);
    helper_threads_.emplace_back([respond, id, delay = threaded_delay_ms_] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      respond(Response{200, "text/plain", "from a worker for " + id, {}});
    });
  });
  if (extra_routes) extra_routes(router);

  HttpsServerOptions options;
  options.file_system = &file_system_;
  options.logger = logger_.get();
  options.any_free_port_for_zero = true;
  options.drain_timeout = std::chrono::milliseconds(3000);
  server_ = std::make_unique<HttpsServer>(std::move(config), std::move(router), metrics_,
                                          TlsCertificateFiles{"/tls/server.crt", "/tls/server.key"},
                                          options);
  auto started = server_->Start();
  ASSERT_TRUE(started) << started.error().message;
}

void EdgeServerTest::TearDown() {
  if (server_) server_->Stop();
  for (auto& thread : helper_threads_) thread.join();
  server_.reset();
}

ClientOptions EdgeServerTest::Client(const std::string& source_ip) const {
  ClientOptions options;
  options.source_ip = source_ip;
  options.trusted_ca_pem = LocalhostCertificates().ca_pem;
  return options;
}

std::vector<std::string> EdgeServerTest::LogLines() {
  std::lock_guard lock(log_mutex_);
  return log_lines_;
}

}  // namespace citadel::http::testing
