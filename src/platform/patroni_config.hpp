// The configuration files of a high-availability cluster's processes:
// each member's patroni.yaml and etcd's etcd.yaml.
//
// Both are written as JSON, which YAML parsers read as YAML (JSON is YAML's
// flow style): nlohmann::json does the quoting, so no value can change the
// structure of the file. The Patroni file holds the passwords: it is written
// 0600 for the service user (cluster_credentials.hpp's WriteOwnerOnlyFile).
//
// Why these settings (docs/ha.md): etcd3 (etcd 3.4 serves only the v3 API);
// ttl/loop_wait/retry_timeout from [cluster] bound the failover time;
// synchronous_mode per cluster.mode; pg_rewind and replication slots so an old
// primary can rejoin as a standby; data checksums; every connection but the
// superuser's and the replication role's refused, and those by SCRAM.
// WAL archived by pgBackRest (pgbackrest_config.hpp) every archive_timeout
// at least. With `restore_repo` (1 or 2; `citadel dr rebuild`), a cluster
// that Patroni bootstraps is restored from that repository and replayed to
// its newest WAL instead of initdb'd (Patroni's custom bootstrap).
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "core/config.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

std::string RenderPatroniConfig(const core::ClusterConfig& config, const ClusterTopology& topology,
                                const ClusterMemberPlan& member,
                                const ClusterCredentials& credentials,
                                const std::string& pg_bin_dir, int restore_repo = 0);

std::string RenderEtcdConfig(const ClusterTopology& topology);

}  // namespace citadel::platform
