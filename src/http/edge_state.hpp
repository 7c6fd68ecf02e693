// What every connection of one HttpsServer shares: the configuration, the
// routes, the limiters, the metrics, and the bookkeeping a graceful stop needs.
// Internal to the http layer (https_server.cpp and edge_connection.cpp);
// Beast-free so that it costs nothing to include.
//
// Ownership: the server creates one EdgeState and every connection holds a
// shared_ptr to it, so it outlives the last connection whatever the order of
// teardown. Threads: the const members are only read; the limiters, metrics,
// registry and gate are thread-safe; `stopping` and `https_port` are atomics.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/logger.hpp"
#include "http/connection_limiter.hpp"
#include "http/edge_block_list.hpp"
#include "http/ip_rate_limiter.hpp"
#include "http/metrics_registry.hpp"
#include "http/router.hpp"
#include "http/security_headers.hpp"

namespace citadel::http {

// A connection as the server sees it when stopping: asked to finish.
class StoppableConnection {
 public:
  virtual ~StoppableConnection() = default;
  // Called from any thread: finish the request in flight, then close; close
  // at once if idle between requests.
  virtual void BeginShutdown() = 0;
};

// The open connections, so Stop() can ask each to finish and wait for them.
class ConnectionRegistry {
 public:
  std::uint64_t Add(std::weak_ptr<StoppableConnection> connection);
  void Remove(std::uint64_t id);
  void BeginShutdownAll();
  // True if every connection closed within `timeout`.
  bool WaitUntilEmpty(std::chrono::milliseconds timeout);
  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable emptied_;
  std::uint64_t next_id_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<StoppableConnection>> open_;
};

// Lets a Responder called on a worker thread post to an I/O strand only while
// the server's io_context exists: Stop() closes the gate before destroying it.
struct ResponderGate {
  std::mutex mutex;
  bool open = true;
};

struct EdgeState {
  EdgeState(core::ServerConfig server_config, Router routes,
            std::shared_ptr<MetricsRegistry> metrics_registry, const core::Clock& time_source,
            core::Logger& log, std::size_t max_tracked_clients,
            std::size_t max_metrics_connections);

  // The body limit for a route: the operator's route_body_bytes for its
  // pattern, else the route's own option, else max_body_bytes.
  std::size_t BodyLimitFor(const Route& route) const;

  const core::ServerConfig config;
  const Router router;
  const std::shared_ptr<MetricsRegistry> metrics;
  const HeaderList security_headers;
  core::Logger& logger;
  const core::Clock& clock;
  IpRateLimiter rate_limiter;
  // Sources blocked after failed sign-ins; null: none. Set before Start.
  std::shared_ptr<const EdgeBlockList> blocked_sources;
  ConnectionLimiter client_connections;   // the HTTPS and redirect listeners
  ConnectionLimiter metrics_connections;  // the metrics listener, apart: a flood cannot blind it
  ConnectionRegistry connections;
  const std::shared_ptr<ResponderGate> responder_gate = std::make_shared<ResponderGate>();
  std::atomic<bool> stopping{false};
  std::atomic<int> https_port{0};  // the bound port, for redirects
};

}  // namespace citadel::http
