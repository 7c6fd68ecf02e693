#include "http/io_context_pool.hpp"

#include <exception>

#include <boost/asio/executor_work_guard.hpp>

namespace citadel::http {

IoContextPool::IoContextPool(std::size_t threads) {
  if (threads == 0) threads = 1;
  contexts_.reserve(threads);
  // Concurrency hint 1: one thread runs the context, so Asio skips waking
  // other threads; posting from other threads stays safe (it still locks).
  for (std::size_t i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
}

IoContextPool::~IoContextPool() { StopAndJoin(); }

boost::asio::io_context& IoContextPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void IoContextPool::Start(std::function<void(const std::exception&)> on_exception) {
  for (auto& context : contexts_) {
    threads_.emplace_back([&context = *context, on_exception] {
      // A context with no work yet (no listener on it) must not return.
      auto keep = boost::asio::make_work_guard(context);
      // Handlers catch their own exceptions; this is the last net, so that a
      // bug costs one request rather than an I/O thread.
      for (;;) {
        try {
          context.run();
          return;
        } catch (const std::exception& error) {
          on_exception(error);
        }
      }
    });
  }
}

void IoContextPool::StopAndJoin() {
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace citadel::http
