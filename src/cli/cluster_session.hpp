// How a command reaches the PostgreSQL cluster, and what it must clean up.
//
//   - `--pg-dsn` given: an external cluster; nothing is started.
//   - embedded, for `serve`: take the data directory's lock (one server per
//     directory), then start the embedded cluster and own it until the end.
//   - embedded, for the other commands: if a server holds the lock, connect to
//     its running cluster through the socket (the catalog is shared, not
//     locked); otherwise take the lock, start the cluster for this command
//     only, and stop it when the session ends.
//
// Ownership: the session owns the lock and the cluster it started (if any);
// destroy it last. Used from one thread.
#pragma once

#include <memory>
#include <optional>

#include "cli/data_dir_lock.hpp"
#include "core/config.hpp"
#include "core/result.hpp"
#include "db/cluster_access.hpp"
#include "db/embedded_cluster.hpp"

namespace citadel::cli {

class ClusterSession {
 public:
  enum class Purpose { kServe, kCommand };

  static core::Result<std::unique_ptr<ClusterSession>> Open(const core::ServerConfig& config,
                                                            Purpose purpose);
  ~ClusterSession();

  std::shared_ptr<const db::ClusterAccess> access() const { return access_; }
  // The embedded cluster this session started; null if external or borrowed.
  db::EmbeddedCluster* embedded() const { return cluster_.get(); }
  bool ran_initdb() const { return ran_initdb_; }

 private:
  ClusterSession() = default;
  std::optional<DataDirLock> lock_;
  std::unique_ptr<db::EmbeddedCluster> cluster_;
  std::shared_ptr<const db::ClusterAccess> access_;
  bool ran_initdb_ = false;
};

// Creates the data directory if it does not exist. As root it is left
// traversable (0711) so the service user reaches its own subdirectories.
core::Result<void> EnsureDataDirectory(const std::string& data_dir);

}  // namespace citadel::cli
