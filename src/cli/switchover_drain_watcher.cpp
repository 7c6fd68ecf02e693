#include "cli/switchover_drain_watcher.hpp"

#include <optional>
#include <string>

#include "platform/cluster_primary_access.hpp"
#include "platform/switchover_drain.hpp"

namespace citadel::cli {
namespace {

constexpr auto kDrainPoll = std::chrono::milliseconds(50);

// A wall-clock deadline (the CLI's, another process's) as a steady one.
db::AcquireGate::Clock::time_point SteadyDeadline(std::chrono::system_clock::time_point until) {
  return db::AcquireGate::Clock::now() +
         std::chrono::duration_cast<db::AcquireGate::Clock::duration>(
             until - std::chrono::system_clock::now());
}

long long MillisecondsSinceDrain(db::AcquireGate::Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(db::AcquireGate::Clock::now() - start)
      .count();
}

}  // namespace

SwitchoverDrainWatcher::SwitchoverDrainWatcher(platform::ClusterTopology topology,
                                               std::shared_ptr<db::AcquireGate> gate,
                                               SwitchoverDrainHooks hooks, core::Logger& logger)
    : topology_(std::move(topology)), gate_(std::move(gate)), hooks_(std::move(hooks)),
      logger_(logger), thread_([this] { Run(); }) {}

SwitchoverDrainWatcher::~SwitchoverDrainWatcher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  gate_->Resume();
}

bool SwitchoverDrainWatcher::Stopping() {
  std::unique_lock lock(mutex_);
  return wake_.wait_for(lock, kDrainPoll, [this] { return stop_; });
}

void SwitchoverDrainWatcher::Run() {
  std::string handled_id;  // the request being (or last) served
  bool paused = false;
  auto paused_at = db::AcquireGate::Clock::now();
  while (!Stopping()) {
    const auto request = platform::ReadDrainRequest(topology_);
    const bool current = request && request->until > std::chrono::system_clock::now();
    if (paused && (!current || request->id != handled_id)) {
      hooks_.forget_leader();
      gate_->Resume();
      paused = false;
      logger_.Info("switchover: resumed new transactions",
                   {{"paused_ms", std::to_string(MillisecondsSinceDrain(paused_at))}});
    }
    if (!current || request->id == handled_id) continue;
    handled_id = request->id;
    paused = true;
    paused_at = db::AcquireGate::Clock::now();
    gate_->Pause(SteadyDeadline(request->until));
    logger_.Info("switchover: pausing new transactions and draining connections", {});
    // Drained, in slices, so that a request withdrawn meanwhile (the CLI gave
    // up) is noticed above within one poll.
    bool drained = false;
    while (!drained && !Stopping()) {
      drained = gate_->WaitDrained(db::AcquireGate::Clock::now() + kDrainPoll);
      auto still = platform::ReadDrainRequest(topology_);
      if (!still || still->id != handled_id || !gate_->paused()) break;
    }
    if (!drained) continue;
    const int closed = hooks_.close_idle_connections();
    if (auto acked = platform::WriteDrainAck(topology_, handled_id); !acked) {
      logger_.Warn("switchover: cannot acknowledge the drain", {{"error", acked.error().message}});
      continue;
    }
    logger_.Info("switchover: drained", {{"drain_ms", std::to_string(MillisecondsSinceDrain(paused_at))},
                                         {"idle_closed", std::to_string(closed)}});
  }
}

std::unique_ptr<SwitchoverDrainWatcher> WatchForSwitchoverDrain(
    const core::ServerConfig& config, const std::shared_ptr<const db::ClusterAccess>& access,
    std::shared_ptr<db::AcquireGate> gate, platform::TenantService& tenants) {
  auto primary = std::dynamic_pointer_cast<const platform::ClusterPrimaryAccess>(access);
  if (!config.cluster.ha || !config.database.pg_dsn.empty() || !primary) return nullptr;
  SwitchoverDrainHooks hooks{[&tenants] { return tenants.CloseIdleConnections(); },
                             [primary] { primary->ForgetLeader(); }};
  return std::make_unique<SwitchoverDrainWatcher>(
      platform::MakeClusterTopology(config.cluster, config.data_dir), std::move(gate),
      std::move(hooks));
}

}  // namespace citadel::cli
