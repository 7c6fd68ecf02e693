// A fixed set of worker threads with a bounded queue, for blocking or CPU-heavy
// work (PostgreSQL calls, password hashing) that must never run on an I/O thread.
//
// Submit() refuses work when the queue is full instead of growing without bound;
// the caller turns that into a "busy" answer. Tasks must not throw (an escaping
// exception is caught, logged and dropped: no exception crosses a thread).
// Thread-safe. The destructor stops accepting work, runs what is queued, joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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
  void Run();

  const std::string name_;
  const std::size_t max_queued_;
  const int nice_increment_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace citadel::core
