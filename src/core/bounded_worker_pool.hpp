// A fixed set of worker threads with a bounded queue, for blocking or CPU-heavy
// work (PostgreSQL calls, password hashing) that must never run on an I/O thread.
//
// Submit() refuses work when the queue is full instead of growing without bound;
// the caller turns that into a "busy" answer. Tasks must not throw (an escaping
// exception is caught, logged and dropped: no exception crosses a thread).
// Thread-safe. The destructor stops accepting work, runs what is queued, joins.
//
// A task goes straight to an idle worker when there is one (the one idle last,
// whose caches are warmest), through that worker's own slot and condition
// variable; only when every worker is busy does it wait in the shared queue.
// One mutex and one condition variable shared by every worker cost a read call
// about two futex calls more: the woken worker re-took the shared mutex that
// the submitter and the other workers were using (perf at concurrency 8). On
// the VMs we run on, each futex call and each wake-up costs more than the
// bookkeeping around it (pvm_irq_enable tops the kernel's profile).
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace citadel::core {

class BoundedWorkerPool {
 public:
  using Task = std::function<void()>;

  // `nice_increment` > 0 lowers the threads' CPU priority by that much (Linux
  // nice, per thread): work that may saturate every core (password hashing)
  // then yields the CPU to request handling and PostgreSQL whenever they want
  // it, and still uses all of it when they do not.
  BoundedWorkerPool(std::string name, std::size_t threads, std::size_t max_queued, int nice_increment = 0);
  ~BoundedWorkerPool();
  BoundedWorkerPool(const BoundedWorkerPool&) = delete;
  BoundedWorkerPool& operator=(const BoundedWorkerPool&) = delete;

  // False if the queue is full or the pool is stopping; the task is not run.
  [[nodiscard]] bool Submit(Task task);

  std::size_t queued() const;
  std::size_t thread_count() const { return threads_.size(); }

  // Stops accepting work, finishes what is queued, joins the threads. Idempotent.
  void Shutdown();

 private:
  // One worker's hand-off slot. `state` is kIdle, kSleeping (the worker waits on
  // it with a futex) or kHanded; whoever sets kHanded has written `task` and
  // `exit` first and wakes the worker only if it sleeps. No mutex: a mutex here
  // was taken by the submitter while the worker it chose still held it on its
  // way to sleep (perf showed those wake-ups on every worker's mutex).
  struct Worker {
    std::atomic<int> state{0};
    Task task;
    bool exit = false;
  };

  void Run(Worker& me);
  static void Hand(Worker& worker, Task task, bool exit);

  const std::string name_;
  const std::size_t max_queued_;
  const int nice_increment_;
  mutable std::mutex mutex_;
  std::deque<Task> queue_;        // only while no worker is idle
  std::vector<Worker*> idle_;     // waiting for a hand-off; the last is woken first
  bool stopping_ = false;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace citadel::core
