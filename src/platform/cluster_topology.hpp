// ClusterTopology: where each part of a high-availability cluster lives —
// etcd, and each Patroni-managed PostgreSQL member — on which ports and under
// which directories, derived from the [cluster] config and the data folder.
//
// Port plan (docs/ha.md), from cluster.base_port = B:
//   B       etcd client URL         B + 1   etcd peer URL
//   B+10+i  member i's PostgreSQL   B+20+i  member i's Patroni REST API
// Files, under <data_dir>/ha (the service user's, 0700):
//   credentials.json   superuser and replication passwords (0600)
//   etcd.yaml, etcd/   etcd's configuration and data
//   member-<i>/        patroni.yaml (0600), data/ (PGDATA), logs, pid files
//   pgbackrest/        pgbackrest.conf and pgpass (0600), log/, lock/, spool/,
//                      repo1/ (and repo2/ unless [cluster] archive_repo2_path)
//
// A plain value built by a pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"

namespace citadel::platform {

struct ClusterMemberPlan {
  std::string name;    // "member-0": Patroni's member name and application_name
  std::string dir;     // <ha_dir>/member-<i>
  std::string pgdata;  // <dir>/data
  int postgres_port = 0;
  int rest_port = 0;
  std::string ConfigPath() const { return dir + "/patroni.yaml"; }
  std::string LogPath() const { return dir + "/patroni.log"; }
  std::string PidPath() const { return dir + "/patroni.pid"; }
};

struct ClusterTopology {
  std::string scope;    // Patroni's scope (the cluster's name in etcd)
  std::string address;  // every listener's address
  std::string ha_dir;
  std::string etcd_dir;  // etcd's data directory
  int etcd_client_port = 0;
  int etcd_peer_port = 0;
  std::vector<ClusterMemberPlan> members;
  std::string pgbackrest_dir;  // <ha_dir>/pgbackrest
  std::string repo1_path;
  std::string repo2_path;

  std::string CredentialsPath() const { return ha_dir + "/credentials.json"; }
  std::string EtcdConfigPath() const { return ha_dir + "/etcd.yaml"; }
  std::string EtcdLogPath() const { return ha_dir + "/etcd.log"; }
  std::string EtcdPidPath() const { return ha_dir + "/etcd.pid"; }
  std::string EtcdClientUrl() const;
  std::string PgBackRestConfigPath() const { return pgbackrest_dir + "/pgbackrest.conf"; }
  std::string PgBackRestPgpassPath() const { return pgbackrest_dir + "/pgpass"; }
  std::string Stanza() const { return scope; }
};

ClusterTopology MakeClusterTopology(const core::ClusterConfig& config, const std::string& data_dir);

}  // namespace citadel::platform
