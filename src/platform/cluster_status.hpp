// `citadel cluster status`: what a high-availability cluster looks like now.
// Patroni's view (members, roles, state, timeline, lag in bytes) joined with
// the primary's own pg_stat_replication (is each standby streaming, is it
// the synchronous one, how far behind in bytes and seconds).
//
// One call opens one connection to the primary (through the multi-host DSN)
// and closes it. Free functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/pgbackrest_runner.hpp"

namespace citadel::platform {

struct ClusterMemberStatus {
  std::string name;
  std::string role;   // leader, sync_standby, replica
  std::string state;  // Patroni's: running, starting, stopped, ...
  std::string host;
  int port = 0;
  std::optional<long long> timeline;
  std::optional<long long> lag_bytes;  // Patroni's; nullopt for the leader or unknown
  std::string replication;             // the primary's pg_stat_replication.state ("streaming")
  std::string sync_state;              // ... sync_state ("sync", "async", "potential")
  std::optional<long long> replay_lag_bytes;  // the primary's current LSN minus the replay LSN
  std::optional<double> replay_lag_seconds;
};

// The primary's pg_stat_archiver: pgBackRest's archive_command at work.
struct ArchiveStatus {
  bool known = false;
  long long archived_count = 0;
  std::string last_archived_wal;
  std::string last_archived_at;  // PostgreSQL's timestamptz text
  long long failed_count = 0;
  std::string last_failed_wal;
};

struct ClusterStatus {
  std::string answered_by;
  std::string leader;         // empty: no leader now
  std::string primary_error;  // why the primary's view is missing, if it is
  std::vector<ClusterMemberStatus> members;
  ArchiveStatus archive;
  // pgBackRest's repositories (`pgbackrest info`), when the caller read them.
  std::vector<RepositoryInfo> repositories;
};

core::Result<ClusterStatus> ReadClusterStatus(const ClusterTopology& topology,
                                              const ClusterCredentials& credentials);

nlohmann::json ClusterStatusToJson(const ClusterStatus& status);

}  // namespace citadel::platform
