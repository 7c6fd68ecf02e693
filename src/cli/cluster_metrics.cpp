#include "cli/cluster_metrics.hpp"

#include <string>

#include "core/logger.hpp"

namespace citadel::cli {
namespace {

std::string ClusterMetricNumber(double value) {
  std::string text = std::to_string(value);
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

void AddClusterMetrics(http::MetricsRegistry& metrics, const platform::ClusterWatcher& watcher) {
  metrics.AddCollector([&watcher](std::string& out) {
    platform::ClusterSnapshot snapshot = watcher.Snapshot();
    const auto& status = snapshot.status;
    out +=
        "# HELP citadel_cluster_status_known Whether the last read of the HA cluster's status "
        "succeeded.\n"
        "# TYPE citadel_cluster_status_known gauge\n";
    out += "citadel_cluster_status_known " + std::string(snapshot.known ? "1" : "0") + "\n";
    out +=
        "# HELP citadel_cluster_leader Whether the HA cluster has a leader.\n"
        "# TYPE citadel_cluster_leader gauge\n";
    out += "citadel_cluster_leader " +
           std::string(snapshot.known && !status.leader.empty() ? "1" : "0") + "\n";
    std::string role, running, timeline, lag, replay_bytes, replay_seconds, streaming, sync;
    for (const auto& m : status.members) {
      const std::string member =
          "member=\"" + http::MetricsRegistry::EscapeLabelValue(m.name) + "\"";
      role += "citadel_cluster_member_role{" + member + ",role=\"" +
              http::MetricsRegistry::EscapeLabelValue(m.role) + "\"} 1\n";
      running += "citadel_cluster_member_running{" + member + "} " +
                 (m.state == "running" ? "1" : "0") + "\n";
      if (m.timeline)
        timeline +=
            "citadel_cluster_member_timeline{" + member + "} " + std::to_string(*m.timeline) + "\n";
      if (m.role == "leader") continue;
      if (m.lag_bytes)
        lag += "citadel_cluster_member_lag_bytes{" + member + "} " + std::to_string(*m.lag_bytes) +
               "\n";
      if (m.replay_lag_bytes) {
        replay_bytes += "citadel_cluster_member_replay_lag_bytes{" + member + "} " +
                        std::to_string(*m.replay_lag_bytes) + "\n";
      }
      if (m.replay_lag_seconds) {
        replay_seconds += "citadel_cluster_member_replay_lag_seconds{" + member + "} " +
                          ClusterMetricNumber(*m.replay_lag_seconds) + "\n";
      }
      streaming += "citadel_cluster_member_streaming{" + member + "} " +
                   (m.replication == "streaming" ? "1" : "0") + "\n";
      sync += "citadel_cluster_member_sync{" + member + "} " +
              (m.sync_state == "sync" ? "1" : "0") + "\n";
    }
    out +=
        "# HELP citadel_cluster_member_role Each member's role (leader, sync_standby, replica), as "
        "Patroni says.\n"
        "# TYPE citadel_cluster_member_role gauge\n" +
        role;
    out +=
        "# HELP citadel_cluster_member_running Whether Patroni reports the member's PostgreSQL "
        "running.\n"
        "# TYPE citadel_cluster_member_running gauge\n" +
        running;
    out +=
        "# HELP citadel_cluster_member_timeline Each member's PostgreSQL timeline (it grows at "
        "each failover).\n"
        "# TYPE citadel_cluster_member_timeline gauge\n" +
        timeline;
    out +=
        "# HELP citadel_cluster_member_lag_bytes A standby's lag behind the leader, as Patroni "
        "sees it.\n"
        "# TYPE citadel_cluster_member_lag_bytes gauge\n" +
        lag;
    out +=
        "# HELP citadel_cluster_member_replay_lag_bytes The primary's WAL position minus the "
        "standby's replay position.\n"
        "# TYPE citadel_cluster_member_replay_lag_bytes gauge\n" +
        replay_bytes;
    out +=
        "# HELP citadel_cluster_member_replay_lag_seconds The primary's measure of the standby's "
        "replay lag.\n"
        "# TYPE citadel_cluster_member_replay_lag_seconds gauge\n" +
        replay_seconds;
    out +=
        "# HELP citadel_cluster_member_streaming Whether the standby streams WAL from the "
        "primary.\n"
        "# TYPE citadel_cluster_member_streaming gauge\n" +
        streaming;
    out +=
        "# HELP citadel_cluster_member_sync Whether the standby is the synchronous one.\n"
        "# TYPE citadel_cluster_member_sync gauge\n" +
        sync;
  });
}

std::unique_ptr<platform::ClusterWatcher> WatchClusterForMetrics(const core::ServerConfig& config,
                                                                 http::MetricsRegistry& metrics) {
  if (!config.cluster.ha || !config.database.pg_dsn.empty()) return nullptr;
  auto topology = platform::MakeClusterTopology(config.cluster, config.data_dir);
  auto credentials = platform::LoadClusterCredentials(topology.CredentialsPath());
  if (!credentials) {
    // serve connected with them moments ago; without them there is nothing to watch.
    core::Log().Warn("HA cluster metrics off", {{"error", credentials.error().message}});
    return nullptr;
  }
  auto watcher = std::make_unique<platform::ClusterWatcher>(
      std::move(topology), std::move(*credentials), std::chrono::milliseconds(2000));
  AddClusterMetrics(metrics, *watcher);
  return watcher;
}

}  // namespace citadel::cli
