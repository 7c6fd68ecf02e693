#include "core/bounded_worker_pool.hpp"

#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <string>

#include "core/logger.hpp"

namespace citadel::core {
namespace {

constexpr int kIdle = 0;
constexpr int kSleeping = 1;
constexpr int kHanded = 2;

// std::atomic<int>::wait would do, but libstdc++ 12 spins and calls
// sched_yield before it sleeps: on 2 busy cores that yields the CPU to
// whatever else is runnable, a context switch per hand-off.
void FutexWait(std::atomic<int>& word, int expected) {
  ::syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void FutexWakeOne(std::atomic<int>& word) {
  ::syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace

BoundedWorkerPool::BoundedWorkerPool(std::string name, std::size_t threads, std::size_t max_queued,
                                     int nice_increment)
    : name_(std::move(name)), max_queued_(max_queued), nice_increment_(nice_increment) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  threads_.reserve(threads);
  idle_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    threads_.emplace_back([this, worker = workers_.back().get()] { Run(*worker); });
  }
}

BoundedWorkerPool::~BoundedWorkerPool() { Shutdown(); }

void BoundedWorkerPool::Hand(Worker& worker, Task task, bool exit) {
  worker.task = std::move(task);
  worker.exit = exit;
  if (worker.state.exchange(kHanded, std::memory_order_acq_rel) == kSleeping) FutexWakeOne(worker.state);
}

bool BoundedWorkerPool::Submit(Task task) {
  Worker* idle = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (idle_.empty()) {
      if (queue_.size() >= max_queued_) return false;
      queue_.push_back(std::move(task));
      return true;
    }
    idle = idle_.back();
    idle_.pop_back();
  }
  Hand(*idle, std::move(task), false);
  return true;
}

std::size_t BoundedWorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void BoundedWorkerPool::Shutdown() {
  std::vector<Worker*> idle;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    // A worker is idle only while the queue is empty; busy ones run the queue
    // dry and then see `stopping_`.
    idle.swap(idle_);
  }
  for (Worker* worker : idle) Hand(*worker, nullptr, true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void BoundedWorkerPool::Run(Worker& me) {
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
    bool wait = false;
    {
      std::lock_guard lock(mutex_);
      if (!queue_.empty()) {
        task = std::move(queue_.front());
        queue_.pop_front();
      } else if (stopping_) {
        return;  // stopping, and nothing left to do
      } else {
        idle_.push_back(&me);
        wait = true;
      }
    }
    if (wait) {
      // Sleeps until handed something; a spurious wake-up just looks again.
      for (;;) {
        int seen = kIdle;
        if (me.state.compare_exchange_strong(seen, kSleeping, std::memory_order_acq_rel)) seen = kSleeping;
        if (seen == kHanded) break;
        FutexWait(me.state, kSleeping);
      }
      me.state.store(kIdle, std::memory_order_relaxed);
      if (me.exit) return;
      task = std::move(me.task);
      me.task = nullptr;
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
