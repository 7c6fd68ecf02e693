// The I/O threads of the HTTPS edge: one Asio io_context per thread, each run by
// that thread alone, and connections handed to them in turn.
//
// Why not one io_context run by every I/O thread: Asio then wakes an idle thread
// each time a handler is posted, and the thread it wakes (the one blocked in
// epoll_wait) mostly finds the work already taken. strace of one read call at
// concurrency 1 showed the second I/O thread woken four times per request for
// nothing; on this kind of VM a wake-up costs more than the handler it runs.
// With one thread per context (concurrency hint 1) a handler posted from its
// own thread wakes nobody, and one posted from a database worker wakes exactly
// the thread that owns the connection.
//
// Ownership: the pool owns its contexts and threads. Thread-safety: Next() is
// safe from any thread (an atomic counter); Start, Stop and Join are for one
// control thread. Connections keep the executor of the context Next() gave
// them for their life, so their handlers never run concurrently.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace citadel::http {

class IoContextPool {
 public:
  explicit IoContextPool(std::size_t threads);
  IoContextPool(const IoContextPool&) = delete;
  IoContextPool& operator=(const IoContextPool&) = delete;
  ~IoContextPool();

  // The context the next connection belongs to (round robin).
  boost::asio::io_context& Next();
  // The first context: for the listeners and the server's own timers.
  boost::asio::io_context& First() { return *contexts_.front(); }
  std::size_t size() const { return contexts_.size(); }

  // Runs each context on a thread of its own. on_exception is called with what
  // escaped a handler (the thread then runs its context again).
  void Start(std::function<void(const std::exception&)> on_exception);
  // Stops every context (handlers not yet run are dropped) and joins.
  void StopAndJoin();

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace citadel::http
