#include "platform/cluster_watcher.hpp"

namespace citadel::platform {

ClusterWatcher::ClusterWatcher(ClusterTopology topology, ClusterCredentials credentials,
                               std::chrono::milliseconds interval)
    : topology_(std::move(topology)), credentials_(std::move(credentials)), interval_(interval) {
  thread_ = std::thread([this] { Run(); });
}

ClusterWatcher::~ClusterWatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

ClusterSnapshot ClusterWatcher::Snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void ClusterWatcher::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    lock.unlock();
    auto status = ReadClusterStatus(topology_, credentials_);
    lock.lock();
    snapshot_.known = status.has_value();
    if (status) snapshot_.status = std::move(*status);
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace citadel::platform
