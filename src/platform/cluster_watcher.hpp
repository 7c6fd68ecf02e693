// ClusterWatcher: keeps a recent snapshot of the high-availability cluster's
// status (cluster_status.hpp) for `citadel serve`'s /metrics, so the metrics
// path never waits on Patroni or PostgreSQL. A thread of its own reads the
// status every `interval`; a failed read keeps the members of the last good
// one but marks the snapshot stale (known = false).
//
// Ownership: owns its thread; the destructor stops and joins it. Snapshot()
// is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "platform/cluster_credentials.hpp"
#include "platform/cluster_status.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct ClusterSnapshot {
  bool known = false;  // the last read succeeded
  ClusterStatus status;
};

class ClusterWatcher {
 public:
  ClusterWatcher(ClusterTopology topology, ClusterCredentials credentials,
                 std::chrono::milliseconds interval);
  ~ClusterWatcher();
  ClusterWatcher(const ClusterWatcher&) = delete;
  ClusterWatcher& operator=(const ClusterWatcher&) = delete;

  ClusterSnapshot Snapshot() const;

 private:
  void Run();

  const ClusterTopology topology_;
  const ClusterCredentials credentials_;
  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  ClusterSnapshot snapshot_;
  std::thread thread_;
};

}  // namespace citadel::platform
