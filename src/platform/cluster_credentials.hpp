// The high-availability cluster's passwords: its PostgreSQL superuser's
// (Citadel provisions tenants and Patroni manages PostgreSQL with it), the
// replication role's (standbys stream WAL with it), the one Patroni's REST
// API asks for before it changes anything, and etcd's users'. Generated once by
// `citadel cluster init --ha`, kept in <data_dir>/ha/credentials.json (0600),
// and copied into each member's patroni.yaml (0600, the service user's).
//
// Secrets: nothing here logs, and errors never quote the file's content.
// Plain values and free functions; thread-safe.
#pragma once

#include <string>

#include "core/result.hpp"
#include "db/conninfo.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct ClusterCredentials {
  std::string superuser = "citadel";
  std::string superuser_password;
  std::string replication_user = "replicator";
  std::string replication_password;
  // Patroni's REST API asks for it on its state-changing requests (switchover,
  // restart, reinitialize, config changes); reads (GET /cluster) need none.
  std::string rest_user = "patroni";
  std::string rest_password;
  // pgBackRest's repo-cipher-pass for each repository (aes-256-cbc). Whoever
  // rebuilds the cluster from a repository needs it: keep a copy of this
  // file off the site, as of the backups' master key.
  std::string repo1_cipher_pass;
  std::string repo2_cipher_pass;
  // etcd's users (auth enabled by `cluster run` before any Patroni starts,
  // platform/etcd_auth.hpp): root administers etcd, patroni may read and
  // write only the keys under /citadel/. Absent from older files: `cluster
  // init` adds them.
  std::string etcd_root_password;
  std::string etcd_patroni_password;
  static constexpr const char* kEtcdRootUser = "root";
  static constexpr const char* kEtcdPatroniUser = "patroni";
  bool HasEtcdPasswords() const { return !etcd_root_password.empty() && !etcd_patroni_password.empty(); }
};

// New random passwords (32 characters each).
ClusterCredentials GenerateClusterCredentials();

core::Result<ClusterCredentials> LoadClusterCredentials(const std::string& path);
std::string SerializeClusterCredentials(const ClusterCredentials& credentials);

// The superuser's DSN that reaches whichever member is the primary now:
// every member's host and port, target_session_attrs=read-write, so libpq
// skips the dead and the standbys. Holds the password: never log it.
std::string ClusterPrimaryDsn(const ClusterTopology& topology,
                              const ClusterCredentials& credentials, const std::string& dbname);

// libpq's TLS options for the cluster's members: with TLS on, sslmode
// verify-full (the member's certificate from the cluster CA, naming the
// address dialled; libpq 15 matches IP subjectAltNames) and sslrootcert;
// with it off, nothing.
db::ConnInfo ClusterSslOptions(const ClusterTopology& topology);

// Writes `text` to `path` with mode 0600, owned by `owner` (when we are root
// and it is another user), through a temporary file and a rename, so a
// reader never sees half a file and the secret is never world-readable.
core::Result<void> WriteOwnerOnlyFile(const std::string& path, const std::string& text,
                                      const db::ServiceUser& owner);

}  // namespace citadel::platform
