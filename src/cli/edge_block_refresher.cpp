#include "cli/edge_block_refresher.hpp"

#include <chrono>

#include "core/logger.hpp"

namespace citadel::cli {
namespace {

constexpr auto kRefreshEvery = std::chrono::seconds(2);
constexpr int kRefreshesPerPurge = 1800;  // an hour
constexpr auto kCounterMaxAge = std::chrono::hours(24);

}  // namespace

EdgeBlockRefresher::EdgeBlockRefresher(platform::LoginFailureStore& store,
                                       std::shared_ptr<http::EdgeBlockList> list)
    : store_(store), list_(std::move(list)), thread_([this] { Run(); }) {}

EdgeBlockRefresher::~EdgeBlockRefresher() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void EdgeBlockRefresher::Refresh() {
  auto blocks = store_.ActiveBlocks();
  if (!blocks) {
    if (!failing_) {
      core::Log().Error("edge blocks could not be read; the last list stays",
                        {{"error", blocks.error().message}});
    }
    failing_ = true;
    return;
  }
  failing_ = false;
  std::vector<std::pair<core::IpAddress, std::int64_t>> parsed;
  for (const platform::EdgeBlock& block : *blocks) {
    if (auto ip = core::IpAddress::Parse(block.source)) parsed.emplace_back(*ip, block.blocked_until_unix);
  }
  list_->Replace(parsed);
}

void EdgeBlockRefresher::Run() {
  std::unique_lock lock(mutex_);
  for (int round = 0; !stop_; ++round) {
    lock.unlock();
    Refresh();
    if (round % kRefreshesPerPurge == kRefreshesPerPurge - 1) {
      if (auto purged = store_.PurgeOlderThan(kCounterMaxAge); !purged) {
        core::Log().Error("old sign-in counters could not be purged", {{"error", purged.error().message}});
      }
    }
    lock.lock();
    wake_.wait_for(lock, kRefreshEvery, [this] { return stop_; });
  }
}

}  // namespace citadel::cli
