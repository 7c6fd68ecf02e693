#include "core/delay_queue.hpp"

#include <exception>

#include "core/logger.hpp"

namespace citadel::core {

DelayQueue::DelayQueue(std::size_t max_pending)
    : max_pending_(max_pending), thread_([this] { Run(); }) {}

DelayQueue::~DelayQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool DelayQueue::Schedule(std::chrono::milliseconds delay, Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || entries_.size() >= max_pending_) return false;
    entries_.push({std::chrono::steady_clock::now() + delay, next_order_++, std::move(task)});
  }
  cv_.notify_all();
  return true;
}

std::size_t DelayQueue::pending() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void DelayQueue::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (entries_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto due = entries_.top().due;
    if (std::chrono::steady_clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    Task task = std::move(const_cast<Entry&>(entries_.top()).task);
    entries_.pop();
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      Log().Error("a delayed task threw", {{"error", e.what()}});
    } catch (...) {
      Log().Error("a delayed task threw", {});
    }
    lock.lock();
  }
}

}  // namespace citadel::core
