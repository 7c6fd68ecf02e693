#include "core/bounded_worker_pool.hpp"

#include <linux/futex.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "core/logger.hpp"

namespace citadel::core {
namespace {

// The pool whose worker this thread is (LongWait), if any, and how many
// LongWaits are open on this thread (only the outermost leaves and rejoins).
thread_local BoundedWorkerPool* t_pool = nullptr;
thread_local int t_long_waits = 0;

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
                                     int nice_increment, Pacing pacing)
    : name_(std::move(name)),
      max_queued_(max_queued),
      nice_increment_(nice_increment),
      running_limit_(pacing.running == 0 ? std::max<std::size_t>(threads, 1) : pacing.running),
      paced_(running_limit_ < std::max<std::size_t>(threads, 1)),
      longest_wait_(pacing.longest_wait) {
  if (threads == 0) threads = 1;
  workers_.reserve(threads);
  threads_.reserve(threads);
  idle_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>());
    threads_.emplace_back([this, worker = workers_.back().get()] { Run(*worker); });
  }
  if (paced_) pacer_ = std::thread([this] { Pace(); });
}

BoundedWorkerPool::~BoundedWorkerPool() { Shutdown(); }

void BoundedWorkerPool::Hand(Worker& worker, Task task, bool exit) {
  worker.task = std::move(task);
  worker.exit = exit;
  if (worker.state.exchange(kHanded, std::memory_order_acq_rel) == kSleeping) FutexWakeOne(worker.state);
}

bool BoundedWorkerPool::Submit(Task task) {
  Worker* idle = nullptr;
  bool wake_pacer = false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (idle_.empty() || running_ >= running_limit_) {
      if (queue_.size() >= max_queued_) return false;
      queue_.push_back({std::move(task), std::chrono::steady_clock::now()});
      // The pacer makes sure it waits no longer than `longest_wait_` while a
      // thread is idle.
      if (paced_ && !pacer_armed_) wake_pacer = pacer_armed_ = true;
    } else {
      idle = idle_.back();
      idle_.pop_back();
      ++running_;
    }
  }
  if (wake_pacer) pacer_wake_.notify_one();
  if (idle != nullptr) Hand(*idle, std::move(task), false);
  return true;
}

std::size_t BoundedWorkerPool::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

BoundedWorkerPool::LongWait::LongWait()
    : pool_(t_long_waits++ == 0 && t_pool != nullptr && t_pool->paced_ ? t_pool : nullptr) {
  if (pool_ != nullptr) pool_->LeaveRunning();
}

BoundedWorkerPool::LongWait::~LongWait() {
  --t_long_waits;
  if (pool_ != nullptr) pool_->RejoinRunning();
}

void BoundedWorkerPool::LeaveRunning() {
  Worker* idle = nullptr;
  Task task;
  {
    std::lock_guard lock(mutex_);
    --running_;
    if (queue_.empty() || idle_.empty() || running_ >= running_limit_) return;
    task = std::move(queue_.front().task);
    queue_.pop_front();
    idle = idle_.back();
    idle_.pop_back();
    ++running_;
  }
  Hand(*idle, std::move(task), false);
}

void BoundedWorkerPool::RejoinRunning() {
  std::lock_guard lock(mutex_);
  ++running_;  // perhaps above the limit until the queue empties (Run)
}

std::size_t BoundedWorkerPool::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

void BoundedWorkerPool::Shutdown() {
  std::vector<Worker*> idle;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    // A task waits in the queue only while a worker runs: running ones run the
    // queue dry and then see `stopping_`.
    idle.swap(idle_);
  }
  pacer_wake_.notify_one();
  if (pacer_.joinable()) pacer_.join();
  for (Worker* worker : idle) Hand(*worker, nullptr, true);
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void BoundedWorkerPool::Pace() {
  // Looks that find the queue empty before the pacer sleeps until armed
  // again: about 50 ms with the default `longest_wait_`.
  constexpr int kEmptyLooksBeforeDisarming = 25;
  int empty_looks = 0;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (!pacer_armed_) {
      pacer_wake_.wait(lock, [this] { return pacer_armed_ || stopping_; });
      empty_looks = 0;
      continue;
    }
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<Worker*, Task>> late;
    while (!queue_.empty() && !idle_.empty() && now - queue_.front().since >= longest_wait_) {
      late.emplace_back(idle_.back(), std::move(queue_.front().task));
      idle_.pop_back();
      queue_.pop_front();
      ++running_;
    }
    if (!late.empty()) {
      handed_late_.fetch_add(late.size(), std::memory_order_relaxed);
      lock.unlock();
      for (auto& [worker, task] : late) Hand(*worker, std::move(task), false);
      lock.lock();
      continue;
    }
    if (!queue_.empty()) {
      empty_looks = 0;
    } else if (++empty_looks >= kEmptyLooksBeforeDisarming) {
      pacer_armed_ = false;
      continue;
    }
    // The oldest task's turn, or (nothing waiting, or no thread idle to give
    // it: a worker that finishes takes it) one `longest_wait_` from now.
    const auto next = !queue_.empty() && !idle_.empty() ? queue_.front().since + longest_wait_ : now + longest_wait_;
    pacer_wake_.wait_until(lock, next);
  }
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
  t_pool = this;
  bool counted = false;  // in running_: handed a task, or took one from the queue
  for (;;) {
    Task task;
    bool wait = false;
    bool wake_pacer = false;
    {
      std::lock_guard lock(mutex_);
      // A worker that ran a task goes on with the next, even above the limit:
      // the pool grows past it while calls wait longer than `longest_wait_`
      // (the pacer's late hand-offs, LongWait's rejoining: calls that wait on
      // PostgreSQL, not on the CPU) and shrinks back to it when the queue
      // empties. Sending the extra workers to idle at once cost search_read
      // 17%, search_count and creates 8-9% (docs/notes.md, session 17). One
      // coming from idle (or starting) takes a task only under the limit;
      // stopping, every worker drains the queue (none may go idle after
      // Shutdown looked).
      const bool my_turn = counted || running_ < running_limit_;
      if (!queue_.empty() && (stopping_ || my_turn)) {
        task = std::move(queue_.front().task);
        queue_.pop_front();
        if (!counted) ++running_;
        counted = true;
      } else if (stopping_) {
        if (counted) --running_;
        return;  // stopping, and nothing left to do
      } else {
        idle_.push_back(&me);
        if (counted) --running_;
        counted = false;
        wait = true;
        // Idle beside a held-back task (a worker starting after it was
        // queued): the pacer hands it over once it waited too long.
        if (!queue_.empty() && paced_ && !pacer_armed_) wake_pacer = pacer_armed_ = true;
      }
    }
    if (wake_pacer) pacer_wake_.notify_one();
    if (wait) {
      // Sleeps until handed something (whoever hands it counts it running); a
      // spurious wake-up just looks again.
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
      counted = true;
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
