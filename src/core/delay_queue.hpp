// Runs tasks after a delay on one thread of its own, so that waiting (the
// progressive slow-down of a login under attack) holds no worker thread.
// Bounded: Schedule refuses work when `max_pending` tasks wait, and the
// caller answers "busy". Tasks must be short (they usually hand the work to
// a pool) and must not throw. Thread-safe. The destructor runs nothing more:
// pending tasks are dropped, so callers must not rely on a task running
// after shutdown began (the server drains requests before destroying it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace citadel::core {

class DelayQueue {
 public:
  using Task = std::function<void()>;

  explicit DelayQueue(std::size_t max_pending);
  ~DelayQueue();
  DelayQueue(const DelayQueue&) = delete;
  DelayQueue& operator=(const DelayQueue&) = delete;

  // Runs `task` once `delay` has passed; false when full or stopping.
  [[nodiscard]] bool Schedule(std::chrono::milliseconds delay, Task task);

  std::size_t pending() const;

 private:
  struct Entry {
    std::chrono::steady_clock::time_point due;
    std::uint64_t order;  // equal times run in the order scheduled
    Task task;
    bool operator>(const Entry& other) const {
      return due != other.due ? due > other.due : order > other.order;
    }
  };
  void Run();

  const std::size_t max_pending_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> entries_;
  std::uint64_t next_order_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace citadel::core
