// The server's own lines on /metrics, beside the edge's: PostgreSQL up, and
// each tenant's connection pool (open, in use, waiting). Collectors read
// snapshots (an atomic kept current by a watcher, the pools' counters) and
// never query the database on the metrics path. `tenants` and `postgres_up`
// must outlive the registry's last Render().
#pragma once

#include <atomic>

#include "core/bounded_worker_pool.hpp"
#include "http/metrics_registry.hpp"
#include "platform/tenant_service.hpp"
#include "rpc/object_call_counters.hpp"

namespace citadel::cli {

void AddServerMetrics(http::MetricsRegistry& metrics, platform::TenantService& tenants,
                      const std::atomic<bool>& postgres_up);

// How object calls were admitted (rpc/object_call_counters.hpp); `counters`
// must outlive the registry's last Render().
void AddObjectCallMetrics(http::MetricsRegistry& metrics, const rpc::ObjectCallCounters& counters);

// The db worker pool's calls running and waiting, and how many a pacer
// handed to an idle thread after they waited too long (core/
// bounded_worker_pool.hpp); `pool` must outlive the registry's last Render().
void AddWorkerPoolMetrics(http::MetricsRegistry& metrics, const core::BoundedWorkerPool& pool);

}  // namespace citadel::cli
