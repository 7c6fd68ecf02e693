// The HTTPS edge: the server that owns the sockets.
//
// One HttpsServer runs three listeners on a pool of I/O threads:
//   - HTTPS on config.listen:config.https_port, serving the Router's routes;
//   - plain HTTP on config.listen:config.http_port (0: off), which answers
//     every request with a 301 to the same host and path over HTTPS;
//   - plain HTTP on config.metrics_listen:config.metrics_port (0: off), which
//     must be a loopback address, serving GET /metrics for Prometheus.
// Every limit of core::LimitsConfig is enforced before a handler runs (header
// and body size, whole-request and idle timeouts, connections in total and per
// client, requests per second per client), and every response carries the
// security headers (security_headers.hpp) and X-Request-Id. One JSON access-log
// line per request (access_log.hpp), without query strings, headers or bodies.
//
// Who a client is: connections are counted by the TCP peer (an IPv6 peer by
// its /64), with the allow-list and the trusted proxies exempt from the
// per-client cap; requests per second are counted by the client IP, which is
// the peer, or behind a trusted proxy the address it names in X-Forwarded-For
// (forwarded_for.hpp), with the allow-list exempt. A refused connection is
// closed at once; a refused request gets 429 with Retry-After.
//
// Ownership: the server owns its threads, sockets and TLS context; it shares
// the MetricsRegistry with its creator. The Router is moved in and never
// changes afterwards. Call Start() once; Stop() (or the destructor) finishes
// requests in flight for up to `drain_timeout`, then closes what is left.
//
// Threads: Start, Stop and ReloadTls are for one control thread (main, or the
// thread that waits for signals); they block while they read files or join.
// The accessors are safe from any thread once Start() has returned. Handlers
// run on I/O threads and must not block (see request.hpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/file_system.hpp"
#include "core/logger.hpp"
#include "core/result.hpp"
#include "http/edge_block_list.hpp"
#include "http/metrics_registry.hpp"
#include "http/router.hpp"

namespace citadel::http {

struct TlsCertificateFiles {
  std::string certificate_path;  // PEM: the server certificate, then intermediates
  std::string private_key_path;  // PEM
};

struct HttpsServerOptions {
  // How long Stop() waits for requests in flight before closing them.
  std::chrono::milliseconds drain_timeout{5000};
  // How often session-ticket keys rotate; a ticket lives at most twice this.
  std::chrono::seconds ticket_key_rotation{std::chrono::hours(1)};
  // Clients the rate limiter remembers at most (its memory bound).
  std::size_t max_tracked_clients = 100'000;
  // Concurrent connections to the metrics listener.
  std::size_t max_metrics_connections = 16;
  // For tests: a port of 0 binds a free port for the redirect and metrics
  // listeners too, instead of turning them off.
  bool any_free_port_for_zero = false;
  // Seams for tests; null means the real thing (files, clock, core::Log()).
  core::FileSystem* file_system = nullptr;
  const core::Clock* clock = nullptr;  // drives the rate limiter
  // Sources refused with 429 before routing (edge_block_list.hpp); null: none.
  std::shared_ptr<const EdgeBlockList> blocked_sources;
  core::Logger* logger = nullptr;
};

class HttpsServer {
 public:
  // A null `metrics` gets a registry of the server's own.
  HttpsServer(core::ServerConfig config, Router router, std::shared_ptr<MetricsRegistry> metrics,
              TlsCertificateFiles tls, HttpsServerOptions options = {});
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Loads the certificate, binds every listener, starts the I/O threads.
  // A port of 0 binds a free port (see the accessors). Errors name what failed:
  // "cannot listen on 127.0.0.1:8443: Address already in use".
  core::Result<void> Start();

  // Stops accepting, lets requests in flight finish (up to drain_timeout),
  // closes every connection and joins the threads. Idempotent.
  void Stop();

  // Re-reads the certificate and key; new connections use them, open ones
  // keep the old. On failure the old context stays and the error says why.
  core::Result<void> ReloadTls();

  // The bound ports; 0 for a listener that is off (or before Start).
  int https_port() const;
  int http_port() const;
  int metrics_port() const;

  MetricsRegistry& metrics();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace citadel::http
