#include "core/bounded_worker_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <string>

#include "core/logger.hpp"

namespace citadel::core {

BoundedWorkerPool::BoundedWorkerPool(std::string name, std::size_t threads, std::size_t max_queued,
                                     int nice_increment)
    : name_(std::move(name)), max_queued_(max_queued), nice_increment_(nice_increment) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

BoundedWorkerPool::~BoundedWorkerPool() { Shutdown(); }

bool BoundedWorkerPool::Submit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

std::size_t BoundedWorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void BoundedWorkerPool::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void BoundedWorkerPool::Run() {
  if (nice_increment_ > 0) {
    // On Linux, PRIO_PROCESS with a thread id sets that one thread's nice
    // value; raising it needs no privilege. A failure only costs fairness.
    const auto tid = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0 && ::setpriority(PRIO_PROCESS, tid, std::min(current + nice_increment_, 19)) != 0) {
      Log().Warn("could not lower a worker thread's priority", {{"pool", name_}, {"errno", std::to_string(errno)}});
    }
  }
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      Log().Error("worker task threw", {{"pool", name_}, {"error", e.what()}});
    } catch (...) {
      Log().Error("worker task threw", {{"pool", name_}});
    }
  }
}

}  // namespace citadel::core
