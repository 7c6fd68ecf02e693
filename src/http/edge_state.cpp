#include "http/edge_state.hpp"

#include <vector>

namespace citadel::http {
namespace {

IpRateLimiter::Options RateLimits(const core::LimitsConfig& limits, std::size_t max_tracked) {
  IpRateLimiter::Options options;
  options.requests_per_second = limits.requests_per_second_per_ip;
  options.burst = limits.request_burst_per_ip;
  options.exempt = limits.allow;
  options.max_tracked_clients = max_tracked;
  return options;
}

ConnectionLimiter::Options ConnectionLimits(const core::LimitsConfig& limits) {
  ConnectionLimiter::Options options;
  options.max_total = limits.max_connections;
  options.max_per_client = limits.max_connections_per_ip;
  // A trusted proxy carries many clients' connections; the allow-list is exempt by definition.
  options.exempt = limits.allow;
  options.exempt.insert(options.exempt.end(), limits.trusted_proxies.begin(),
                        limits.trusted_proxies.end());
  return options;
}

}  // namespace

std::uint64_t ConnectionRegistry::Add(std::weak_ptr<StoppableConnection> connection) {
  std::lock_guard lock(mutex_);
  std::uint64_t id = next_id_++;
  open_.emplace(id, std::move(connection));
  return id;
}

void ConnectionRegistry::Remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  open_.erase(id);
  if (open_.empty()) emptied_.notify_all();
}

void ConnectionRegistry::BeginShutdownAll() {
  std::vector<std::shared_ptr<StoppableConnection>> live;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, weak] : open_) {
      if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
  }
  // Outside the lock: a connection that closes at once calls Remove().
  for (auto& connection : live) connection->BeginShutdown();
}

bool ConnectionRegistry::WaitUntilEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return emptied_.wait_for(lock, timeout, [&] { return open_.empty(); });
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return open_.size();
}

EdgeState::EdgeState(core::ServerConfig server_config, Router routes,
                     std::shared_ptr<MetricsRegistry> metrics_registry, const core::Clock& time_source,
                     core::Logger& log, std::size_t max_tracked_clients,
                     std::size_t max_metrics_connections)
    : config(std::move(server_config)),
      router(std::move(routes)),
      metrics(std::move(metrics_registry)),
      security_headers(SecurityHeaders(config.hsts_max_age_seconds)),
      logger(log),
      clock(time_source),
      rate_limiter(RateLimits(config.limits, max_tracked_clients), time_source),
      client_connections(ConnectionLimits(config.limits)),
      metrics_connections(ConnectionLimiter::Options{max_metrics_connections,
                                                     max_metrics_connections, {}}) {}

std::size_t EdgeState::BodyLimitFor(const Route& route) const {
  if (auto configured = config.limits.route_body_bytes.find(route.pattern);
      configured != config.limits.route_body_bytes.end()) {
    return configured->second;
  }
  return route.options.max_body_bytes.value_or(config.limits.max_body_bytes);
}

}  // namespace citadel::http
