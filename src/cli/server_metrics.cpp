#include "cli/server_metrics.hpp"

#include <string>

namespace citadel::cli {

void AddServerMetrics(http::MetricsRegistry& metrics, platform::TenantService& tenants,
                      const std::atomic<bool>& postgres_up) {
  metrics.AddCollector([&postgres_up](std::string& out) {
    out += "# HELP citadel_postgres_up Whether the catalog database answered the last check.\n"
           "# TYPE citadel_postgres_up gauge\n";
    out += "citadel_postgres_up " + std::string(postgres_up.load() ? "1" : "0") + "\n";
  });
  metrics.AddCollector([&tenants](std::string& out) {
    auto stats = tenants.Pools().Stats();
    auto totals = tenants.Pools().Totals();
    out += "# HELP citadel_db_pool_connections Connections of each tenant's pool, by state.\n"
           "# TYPE citadel_db_pool_connections gauge\n";
    for (const auto& pool : stats) {
      std::string tenant = http::MetricsRegistry::EscapeLabelValue(pool.key);
      out += "citadel_db_pool_connections{tenant=\"" + tenant + "\",state=\"open\"} " +
             std::to_string(pool.open) + "\n";
      out += "citadel_db_pool_connections{tenant=\"" + tenant + "\",state=\"in_use\"} " +
             std::to_string(pool.in_use) + "\n";
      out += "citadel_db_pool_connections{tenant=\"" + tenant + "\",state=\"waiting\"} " +
             std::to_string(pool.waiting) + "\n";
    }
    out += "# HELP citadel_db_pool_connections_total Connections of all tenants' pools, by state.\n"
           "# TYPE citadel_db_pool_connections_total gauge\n";
    out += "citadel_db_pool_connections_total{state=\"open\"} " + std::to_string(totals.open) + "\n";
    out += "citadel_db_pool_connections_total{state=\"in_use\"} " + std::to_string(totals.in_use) +
           "\n";
    out += "citadel_db_pool_connections_total{state=\"waiting\"} " +
           std::to_string(totals.waiting) + "\n";
  });
}

void AddObjectCallMetrics(http::MetricsRegistry& metrics, const rpc::ObjectCallCounters& counters) {
  metrics.AddCollector([&counters](std::string& out) {
    out += "# HELP citadel_rpc_calls_sent_with_check_total Read-only object calls sent in the round trip "
           "of their credential check (the password was verified lately).\n"
           "# TYPE citadel_rpc_calls_sent_with_check_total counter\n";
    out += "citadel_rpc_calls_sent_with_check_total " + std::to_string(counters.sent_with_check.load()) + "\n";
    out += "# HELP citadel_rpc_calls_check_missed_total Of those, calls whose credentials or rights had "
           "changed: rolled back and run again with the check first.\n"
           "# TYPE citadel_rpc_calls_check_missed_total counter\n";
    out += "citadel_rpc_calls_check_missed_total " + std::to_string(counters.check_missed.load()) + "\n";
    out += "# HELP citadel_rpc_calls_committed_with_statement_total Read-only object calls whose COMMIT "
           "travelled in the round trip of their one statement.\n"
           "# TYPE citadel_rpc_calls_committed_with_statement_total counter\n";
    out += "citadel_rpc_calls_committed_with_statement_total " +
           std::to_string(counters.committed_with_statement.load()) + "\n";
    out += "# HELP citadel_rpc_calls_committed_too_early_total Of those, calls that needed a second "
           "statement: run again with COMMIT after the answer.\n"
           "# TYPE citadel_rpc_calls_committed_too_early_total counter\n";
    out += "citadel_rpc_calls_committed_too_early_total " + std::to_string(counters.committed_too_early.load()) +
           "\n";
  });
}

void AddWorkerPoolMetrics(http::MetricsRegistry& metrics, const core::BoundedWorkerPool& pool) {
  metrics.AddCollector([&pool](std::string& out) {
    out += "# HELP citadel_db_worker_calls Calls on the db worker pool, running or waiting their turn.\n"
           "# TYPE citadel_db_worker_calls gauge\n";
    out += "citadel_db_worker_calls{state=\"running\"} " + std::to_string(pool.running()) + "\n";
    out += "citadel_db_worker_calls{state=\"waiting\"} " + std::to_string(pool.queued()) + "\n";
    out += "# HELP citadel_db_worker_calls_waited_longest_total Calls handed to an idle thread after "
           "waiting worker_wait_ms behind the running ones.\n"
           "# TYPE citadel_db_worker_calls_waited_longest_total counter\n";
    out += "citadel_db_worker_calls_waited_longest_total " + std::to_string(pool.handed_late()) + "\n";
  });
}

}  // namespace citadel::cli
