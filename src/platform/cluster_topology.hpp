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
//                      repo1/ (and repo2/ unless [cluster] archive_repo2_path or
//                      repo2_host); with repo2_host also ssh_config, ssh,
//                      pgbackrest-remote and repo-host.conf
//   tls/               the cluster CA and certificates (ClusterTlsPlan)
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

// Repository 2 on a repository host over SSH ([cluster] repo2_host), in
// pgBackRest's repo-host mode. Empty host: repo2 is a local directory.
struct RepoHostPlan {
  std::string host;
  std::string user;
  int port = 22;
  std::string config;  // pgbackrest.conf on the repository host
  std::string cmd;     // pgbackrest on the repository host
  std::string ssh_key;
  std::string known_hosts;
  std::string pg_host_user;  // the repository host logs into the database hosts as
  int pg_host_port = 22;
  std::string cmd_ssh;  // cmd-ssh in the repository host's configuration (empty: none)
};

// TLS between the cluster's parts ([cluster] tls, docs/ha.md). Files under
// <ha_dir>/tls (0700): the cluster CA's ca.crt (and ca.key, 0600, ours, when
// Citadel made it); member-<i>.crt/.key (PostgreSQL's server certificate,
// Patroni's REST API, Patroni's etcd client certificate) and etcd.crt/.key
// (etcd's clients and peers), keys 0600 the service user's.
struct ClusterTlsPlan {
  bool enabled = false;
  std::string dir;  // <ha_dir>/tls
  std::string CaCertPath() const { return dir + "/ca.crt"; }
  std::string CaKeyPath() const { return dir + "/ca.key"; }
  std::string CertPath(const std::string& name) const { return dir + "/" + name + ".crt"; }
  std::string KeyPath(const std::string& name) const { return dir + "/" + name + ".key"; }
  std::string EtcdCertPath() const { return CertPath("etcd"); }
  std::string EtcdKeyPath() const { return KeyPath("etcd"); }
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
  std::string repo2_path;  // on the repository host when repo2_host.host is set
  RepoHostPlan repo2_host;
  ClusterTlsPlan tls;

  bool Repo2IsRemote() const { return !repo2_host.host.empty(); }

  std::string CredentialsPath() const { return ha_dir + "/credentials.json"; }
  std::string EtcdConfigPath() const { return ha_dir + "/etcd.yaml"; }
  std::string EtcdLogPath() const { return ha_dir + "/etcd.log"; }
  std::string EtcdPidPath() const { return ha_dir + "/etcd.pid"; }
  std::string EtcdClientUrl() const;
  std::string PgBackRestConfigPath() const { return pgbackrest_dir + "/pgbackrest.conf"; }
  std::string PgBackRestPgpassPath() const { return pgbackrest_dir + "/pgpass"; }
  // With a repository host: the ssh client configuration and the wrapper
  // pgBackRest runs as cmd-ssh (it takes no ssh options of its own); the
  // wrapper the repository host runs on the database hosts (pg-host-cmd);
  // the configuration to install on the repository host.
  std::string SshConfigPath() const { return pgbackrest_dir + "/ssh_config"; }
  std::string SshWrapperPath() const { return pgbackrest_dir + "/ssh"; }
  std::string PgHostCmdPath() const { return pgbackrest_dir + "/pgbackrest-remote"; }
  std::string RepoHostConfigPath() const { return pgbackrest_dir + "/repo-host.conf"; }
  std::string Stanza() const { return scope; }
};

ClusterTopology MakeClusterTopology(const core::ClusterConfig& config, const std::string& data_dir);

}  // namespace citadel::platform
