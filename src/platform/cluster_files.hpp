// `citadel cluster init --ha`: makes the high-availability cluster's files
// exist under <data_dir>/ha (cluster_topology.hpp): its directories (the
// service user's, 0700), the credentials (generated on the first init and
// kept afterwards, so a re-init never locks Patroni out of its own
// PostgreSQL), etcd.yaml, each member's patroni.yaml, and pgBackRest's
// configuration, password file and repository directories.
//
// Idempotent: a second init rewrites the configuration from the [cluster]
// settings and changes nothing else. Patroni copies the bootstrap settings
// (ttl, synchronous_mode...) into etcd only when it bootstraps the cluster;
// later changes go through `patronictl edit-config` (docs/ha.md).
//
// Called from one thread; touches only <data_dir>/ha.
#pragma once

#include <string>

#include "core/config.hpp"
#include "core/result.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct ClusterFilesReport {
  bool generated_credentials = false;
};

// `restore_repo` (1 or 2): members bootstrap by restoring from that
// pgBackRest repository (`citadel dr rebuild`); 0: by initdb.
core::Result<ClusterFilesReport> PrepareClusterFiles(const core::ClusterConfig& config,
                                                     const ClusterTopology& topology,
                                                     const std::string& pg_bin_dir,
                                                     const db::ServiceUser& user,
                                                     int restore_repo = 0);

}  // namespace citadel::platform
