// The high-availability cluster's lines on /metrics, from the watcher's last
// snapshot (never a query on the metrics path): whether the status is known
// and a leader exists; per member its role, whether it runs, its timeline,
// its lag (Patroni's, and the primary's replay lag in bytes and seconds),
// whether it streams and whether it is the synchronous standby.
#pragma once

#include <memory>

#include "core/config.hpp"
#include "http/metrics_registry.hpp"
#include "platform/cluster_watcher.hpp"

namespace citadel::cli {

// `watcher` must outlive the registry's last Render().
void AddClusterMetrics(http::MetricsRegistry& metrics, const platform::ClusterWatcher& watcher);

// For `citadel serve`: with [cluster] ha (and no pg_dsn), a watcher reading
// the cluster every 2 s, its lines added to `metrics`; otherwise null. Keep
// it alive while the registry renders.
std::unique_ptr<platform::ClusterWatcher> WatchClusterForMetrics(const core::ServerConfig& config,
                                                                 http::MetricsRegistry& metrics);

}  // namespace citadel::cli
