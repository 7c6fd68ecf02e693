// ClusterSupervisor: runs a high-availability cluster's processes on this
// machine — one etcd and one Patroni agent per member (each Patroni starts
// and stops its own PostgreSQL) — as our children, as the service user.
//
// Who owns what (docs/ha.md): `citadel cluster run` owns this object, which
// owns the etcd and Patroni children; Patroni owns its PostgreSQL. `citadel
// serve` owns none of them: it only connects (through the multi-host DSN),
// so restarting the application server never touches the databases, and a
// failover never needs the application server.
//
// Start(): etcd first (waits for its /health), then every Patroni. Each child
// is in its own process group (a terminal's Ctrl-C reaches only Citadel) and
// its pid is written beside its config. A child left by an earlier, killed
// supervisor (its pid file names a live process running the same config) is
// stopped first. Tend(): reaps children that died and restarts each after
// `restart_delay` — longer than Patroni's ttl, so that the loss of a member
// is handled as a failover first, and the member then rejoins as a standby.
// Stop(): SIGTERM to every Patroni (each stops its PostgreSQL, fast mode),
// waits, escalates to SIGKILL, stops a PostgreSQL left orphaned, then etcd.
//
// Ownership: the children and their pid files; the destructor stops them.
// Used from one thread.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <string>
#include <vector>

#include "core/logger.hpp"
#include "core/result.hpp"
#include "db/child_process.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

class ClusterSupervisor {
 public:
  ClusterSupervisor(ClusterTopology topology, db::ServiceUser user,
                    std::chrono::seconds restart_delay, core::Logger& logger = core::Log());
  ~ClusterSupervisor();
  ClusterSupervisor(const ClusterSupervisor&) = delete;
  ClusterSupervisor& operator=(const ClusterSupervisor&) = delete;

  core::Result<void> Start();
  void Tend();
  void Stop();

 private:
  struct Child {
    std::string name;
    std::string pid_path;
    std::string config_path;  // recognises an orphan of ours in /proc/<pid>/cmdline
    std::string pgdata;       // a Patroni's PostgreSQL, stopped if left orphaned
    db::ChildSpec spec;
    pid_t pid = 0;
    std::chrono::steady_clock::time_point restart_at{};
  };
  core::Result<void> Launch(Child& child);
  void StopOrphanOf(const Child& child);
  void StopChildren(std::vector<Child*> children, std::chrono::seconds grace);

  const ClusterTopology topology_;
  const db::ServiceUser user_;
  const std::chrono::seconds restart_delay_;
  core::Logger& logger_;
  std::vector<Child> children_;  // etcd first, then the Patroni agents
  bool started_ = false;
};

}  // namespace citadel::platform
