// The numbers the loopback-only /metrics listener serves, in Prometheus text
// format (version 0.0.4).
//
// The edge records, per request, `citadel_http_requests_total{route,method,status}`
// and the `citadel_http_request_duration_seconds{route}` histogram, and keeps
// the `citadel_http_open_connections` gauge and
// `citadel_http_connections_refused_total{reason}`. Label values stay bounded:
// the route is a route pattern (or "unmatched" / "redirect"), never a raw path,
// and a method outside the standard set is recorded as "OTHER".
//
// Upper layers add their own lines with AddCollector (the CLI adds per-tenant
// pool use and citadel_postgres_up). A collector appends complete metric
// families (# HELP, # TYPE, samples) to `out`. Collectors run on an I/O thread
// while /metrics is being served, so they must be quick and must not block:
// report a snapshot kept up to date elsewhere, not a fresh database query. A
// collector that throws has its partial output dropped; the rest still render.
//
// Thread-safe: every method may be called from any thread. Owned by whoever
// creates the server (shared with it); collectors live as long as the registry.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace citadel::http {

class MetricsRegistry {
 public:
  using Collector = std::function<void(std::string& out)>;

  void AddCollector(Collector collector);

  void RecordRequest(std::string_view route, std::string_view method, int status,
                     double duration_seconds);
  void ConnectionOpened() { open_connections_.fetch_add(1); }
  void ConnectionClosed() { open_connections_.fetch_sub(1); }
  // `reason` is one of a fixed few words ("total_limit", "per_client_limit").
  void ConnectionRefused(std::string_view reason);

  std::int64_t open_connections() const { return open_connections_.load(); }

  // The whole exposition, edge metrics first, then each collector's lines.
  std::string Render() const;

  // Escapes a label value (backslash, double quote, newline) for collectors.
  static std::string EscapeLabelValue(std::string_view value);

  // The upper bounds of the duration histogram's buckets, in seconds.
  static constexpr std::array<double, 11> kDurationBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

 private:
  struct Histogram {
    std::array<std::uint64_t, kDurationBuckets.size()> bucket_counts{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  void RenderEdgeMetrics(std::string& out) const;

  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> durations_;
  std::map<std::string, std::uint64_t> refused_;
  std::vector<Collector> collectors_;
  std::atomic<std::int64_t> open_connections_{0};
};

}  // namespace citadel::http
