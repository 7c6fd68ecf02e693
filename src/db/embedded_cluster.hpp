// EmbeddedCluster: the private PostgreSQL that `citadel serve` runs when no
// external cluster is configured.
//
// Start() makes the cluster exist and run: the service user (service_user.hpp)
// and the layout (cluster_layout.hpp); initdb on the first start only; our
// configuration rewritten at every start; a postmaster orphaned by a killed
// Citadel recognised (postmaster_process.hpp) and stopped cleanly; then
// `postgres -D <pgdata>` as our own child in its own process group (so a
// terminal's Ctrl-C reaches Citadel, which stops PostgreSQL in order), and
// Start returns once it accepts connections. A supervisor thread restarts it,
// with back-off, if it dies. Stop() asks for a fast shutdown (SIGINT), waits,
// escalates to SIGQUIT and SIGKILL, and reaps it.
//
// Ownership: the object owns the postmaster child and the supervisor thread;
// the destructor stops both. Start/Stop are called from one thread; the
// accessors are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "core/logger.hpp"
#include "core/result.hpp"
#include "db/cluster_access.hpp"
#include "db/cluster_layout.hpp"
#include "db/service_user.hpp"

namespace citadel::db {

struct EmbeddedClusterOptions {
  std::string data_dir;  // Citadel's data directory; PostgreSQL lives in <data_dir>/pg
  std::string pg_bin_dir = "/usr/lib/postgresql/15/bin";
  std::string service_user = "citadel";    // OS user, when running as root
  std::string superuser_role = "citadel";  // PostgreSQL role, peer-authenticated
  int max_connections = 200;
  int port = 5432;  // names the socket file only: there is no TCP listener
  std::chrono::seconds start_timeout{60};
  std::chrono::seconds stop_timeout{30};
  // Extra settings, value already in postgresql.conf syntax (tests: fsync=off).
  std::vector<std::pair<std::string, std::string>> extra_settings;
  bool initdb_sync = true;  // false only in tests: initdb --no-sync

  // From the server's configuration: PostgreSQL's max_connections leaves
  // room above Citadel's pools for the catalog, provisioning and an operator.
  static EmbeddedClusterOptions FromConfig(const core::ServerConfig& config);
};

struct StartReport {
  bool ran_initdb = false;
  std::optional<pid_t> stopped_orphan;  // a postmaster left by an earlier Citadel
  pid_t postmaster_pid = 0;
};

class EmbeddedCluster {
 public:
  explicit EmbeddedCluster(EmbeddedClusterOptions options, core::Logger& logger = core::Log());
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  core::Result<StartReport> Start();
  core::Result<void> Stop();

  bool IsRunning() const { return running_.load(); }
  pid_t PostmasterPid() const;
  int restart_count() const { return restarts_.load(); }

  // host=<socket dir> port=<port> user=<superuser role> dbname=<dbname>
  std::string SuperuserDsn(std::string_view dbname) const;
  const std::string& SocketDirectory() const { return layout_.socket_dir; }
  const ClusterLayout& layout() const { return layout_; }
  // For platform::TenantService and pools: this cluster, reached by its socket.
  std::shared_ptr<ClusterAccess> Access() const;

 private:
  core::Result<bool> Bootstrap();  // true if it ran initdb
  core::Result<void> WriteConfiguration();
  core::Result<void> CheckDataDirReachable() const;
  std::optional<pid_t> StopOrphan();
  // Spawns the postmaster and waits until it answers, retrying until the
  // start timeout (a killed predecessor's backends may hold shared memory for
  // a moment). Gives up early if `stop_requested_` is set.
  core::Result<pid_t> Launch();
  void Supervise();
  std::vector<std::string> ChildEnvironment() const;
  std::string StartupLogPath() const;

  const EmbeddedClusterOptions options_;
  core::Logger& logger_;
  const ClusterLayout layout_;
  ServiceUser user_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  pid_t pid_ = 0;
  bool stop_requested_ = false;
  std::atomic<bool> running_{false};
  std::atomic<int> restarts_{0};
  std::thread supervisor_;
};

}  // namespace citadel::db
