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
//
// A pool may also run fewer tasks at once than it has threads (WorkerPacing):
// past `running` tasks, a new one waits in the queue for a running worker to
// take it when it finishes, which costs no wake-up, instead of an idle thread
// being woken to compete for the same cores. A task that waited
// `longest_wait` is handed to an idle thread anyway by a pacer thread (asleep
// while nothing waits), so a slow task, a long query, holds the others back
// about that long at most (twice it when a thread went idle while the pacer
// slept with none idle). The db pool runs one task per core this way: on 2
// cores, reads by id at concurrency 8 were 6-15% faster than with 16 running
// at once (docs/notes.md, session 17).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace citadel::core {

// How many tasks a BoundedWorkerPool runs at once before new ones wait their
// turn; 0: one per thread (no pacing). `longest_wait`: how long a task waits
// before an idle thread takes it regardless.
struct WorkerPacing {
  std::size_t running = 0;
  std::chrono::microseconds longest_wait{2000};
};

class BoundedWorkerPool {
 public:
  using Task = std::function<void()>;
  using Pacing = WorkerPacing;

  // `nice_increment` > 0 lowers the threads' CPU priority by that much (Linux
  // nice, per thread): work that may saturate every core (password hashing)
  // then yields the CPU to request handling and PostgreSQL whenever they want
  // it, and still uses all of it when they do not.
  BoundedWorkerPool(std::string name, std::size_t threads, std::size_t max_queued, int nice_increment = 0,
                    Pacing pacing = {});
  ~BoundedWorkerPool();
  BoundedWorkerPool(const BoundedWorkerPool&) = delete;
  BoundedWorkerPool& operator=(const BoundedWorkerPool&) = delete;

  // False if the queue is full or the pool is stopping; the task is not run.
  [[nodiscard]] bool Submit(Task task);

  std::size_t queued() const;
  std::size_t thread_count() const { return threads_.size(); }
  // Tasks running now (between a hand-off, or the queue, and idle).
  std::size_t running() const;
  // Tasks the pacer handed to an idle thread after they waited `longest_wait`.
  std::uint64_t handed_late() const { return handed_late_.load(std::memory_order_relaxed); }

  // Stops accepting work, finishes what is queued, joins the threads. Idempotent.
  void Shutdown();

  // Around a wait known to be long and not on this process's CPU (a write's
  // COMMIT waits for the disk): the calling worker's running slot goes to the
  // oldest waiting task meanwhile, so a paced pool keeps as many calls in
  // PostgreSQL as before pacing (group commit batches them). Does nothing off
  // a pool's threads or in a pool without pacing.
  class LongWait {
   public:
    LongWait();
    ~LongWait();
    LongWait(const LongWait&) = delete;
    LongWait& operator=(const LongWait&) = delete;

   private:
    BoundedWorkerPool* pool_;
  };

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

  struct Queued {
    Task task;
    std::chrono::steady_clock::time_point since;
  };

  void Run(Worker& me);
  void LeaveRunning();
  void RejoinRunning();
  // The pacer thread: hands tasks that waited `longest_wait_` to idle threads.
  void Pace();
  static void Hand(Worker& worker, Task task, bool exit);

  const std::string name_;
  const std::size_t max_queued_;
  const int nice_increment_;
  const std::size_t running_limit_;  // threads, when not paced
  const bool paced_;                  // running_limit_ below the threads: a pacer runs
  const std::chrono::steady_clock::duration longest_wait_;
  mutable std::mutex mutex_;
  std::deque<Queued> queue_;      // while no worker is idle, or `running_limit_` run
  std::vector<Worker*> idle_;     // waiting for a hand-off; the last is woken first
  std::size_t running_ = 0;       // workers between a hand-off (or the queue) and idle
  bool stopping_ = false;
  // The pacer sleeps until armed: by a task queued, or a worker going idle
  // beside one. Armed, it looks every `longest_wait_` at most, and disarms
  // after a run of looks that found the queue empty (a wake-up per queued
  // task would cost what pacing saves).
  bool pacer_armed_ = false;
  std::atomic<std::uint64_t> handed_late_{0};
  std::condition_variable pacer_wake_;
  std::thread pacer_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace citadel::core
