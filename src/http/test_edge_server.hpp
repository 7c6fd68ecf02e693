// Test support: an HttpsServer on 127.0.0.1 with free ports, certificates from
// the test CA served from an in-memory file system, a captured access log and
// a few routes that behave well or badly on purpose. Not part of the library.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/fake_file_system.hpp"
#include "http/https_server.hpp"
#include "http/test_https_client.hpp"

namespace citadel::http::testing {

class EdgeServerTest : public ::testing::Test {
 protected:
  // Test-friendly limits: short timeouts, small sizes.
  static core::ServerConfig SmallConfig();

  // Routes: GET /hello (200), POST /echo (echoes the body), GET /whoami (the
  // client IP), GET /never (never answers), GET /throws (throws a secret),
  // GET /threaded (answers from another thread after `threaded_delay_ms`).
  void StartServer(core::ServerConfig config,
                   const std::function<void(Router&)>& extra_routes = nullptr);
  void TearDown() override;

  ClientOptions Client(const std::string& source_ip = "127.0.0.1") const;
  std::vector<std::string> LogLines();

  core::FakeFileSystem file_system_;
  std::shared_ptr<MetricsRegistry> metrics_ = std::make_shared<MetricsRegistry>();
  std::unique_ptr<HttpsServer> server_;
  int threaded_delay_ms_ = 0;
  std::mutex log_mutex_;
  std::vector<std::string> log_lines_;
  std::unique_ptr<core::Logger> logger_;
  std::vector<std::thread> helper_threads_;
};

}  // namespace citadel::http::testing
