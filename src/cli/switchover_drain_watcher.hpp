// The `citadel serve` side of a planned switchover (platform/switchover_drain.hpp):
// a thread that looks for the CLI's drain request every 50 ms. On a new one it
// pauses new pooled work at the gate (db/acquire_gate.hpp) until the
// request's deadline, waits for every lent connection to come back, closes
// the idle ones (they point at the primary about to stop) and acknowledges.
// When the request is removed (or expires) it forgets the cached leader and
// resumes: the held calls go on, on the new primary. Clients see a pause,
// not an error.
//
// Ownership: owns its thread; the destructor stops it and resumes the gate.
// Thread-safe to construct and destroy from the serve thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/config.hpp"
#include "core/logger.hpp"
#include "db/acquire_gate.hpp"
#include "db/cluster_access.hpp"
#include "platform/cluster_topology.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {

struct SwitchoverDrainHooks {
  std::function<int()> close_idle_connections;
  std::function<void()> forget_leader;
};

class SwitchoverDrainWatcher {
 public:
  SwitchoverDrainWatcher(platform::ClusterTopology topology, std::shared_ptr<db::AcquireGate> gate,
                         SwitchoverDrainHooks hooks, core::Logger& logger = core::Log());
  ~SwitchoverDrainWatcher();
  SwitchoverDrainWatcher(const SwitchoverDrainWatcher&) = delete;
  SwitchoverDrainWatcher& operator=(const SwitchoverDrainWatcher&) = delete;

 private:
  void Run();
  bool Stopping();

  const platform::ClusterTopology topology_;
  const std::shared_ptr<db::AcquireGate> gate_;
  const SwitchoverDrainHooks hooks_;
  core::Logger& logger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// For `citadel serve`: with [cluster] ha (and no pg_dsn), a watcher over
// `tenants`' pools and `access`'s leader cache; otherwise null. Keep it alive
// while the pools serve; destroy it before them.
std::unique_ptr<SwitchoverDrainWatcher> WatchForSwitchoverDrain(
    const core::ServerConfig& config, const std::shared_ptr<const db::ClusterAccess>& access,
    std::shared_ptr<db::AcquireGate> gate, platform::TenantService& tenants);

}  // namespace citadel::cli
