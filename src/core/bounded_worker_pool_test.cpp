#include "core/bounded_worker_pool.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <future>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

TEST(BoundedWorkerPoolTest, RunsEverySubmittedTask) {
  std::atomic<int> done{0};
  {
    BoundedWorkerPool pool("test", 3, 100);
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(pool.Submit([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 50);
}

TEST(BoundedWorkerPoolTest, TasksFromManyThreadsEachRunOnceWhetherHandedOrQueued) {
  // Submitters race the workers going idle: some tasks are handed to an idle
  // worker, others queued behind busy ones; none may be lost or run twice.
  std::atomic<int> done{0};
  std::atomic<int> refused{0};
  {
    BoundedWorkerPool pool("test", 3, 100000);
    std::vector<std::thread> submitters;
    for (int t = 0; t < 4; ++t) {
      submitters.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          if (!pool.Submit([&] { done.fetch_add(1, std::memory_order_relaxed); })) ++refused;
          if (i % 64 == 0) std::this_thread::yield();  // lets workers go idle now and then
        }
      });
    }
    for (auto& submitter : submitters) submitter.join();
  }
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(done.load(), 8000);
}

// `pool` queues at most 2 tasks and runs one at a time.
void ExpectTwoQueuedAndTheThirdRefused(BoundedWorkerPool& pool) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<void> started;
  // `gate` by value: the worker may still be leaving wait() when the test ends.
  ASSERT_TRUE(pool.Submit([&started, gate] {
    started.set_value();
    gate.wait();
  }));
  started.get_future().wait();  // the one running worker is now busy
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_TRUE(pool.Submit([] {}));
  EXPECT_FALSE(pool.Submit([] {})) << "a third queued task must be refused";
  release.set_value();
  pool.Shutdown();  // joins before the promises go out of scope
}

TEST(BoundedWorkerPoolTest, RefusesWorkPastTheQueueLimit) {
  BoundedWorkerPool pool("test", 1, 2);
  ExpectTwoQueuedAndTheThirdRefused(pool);
}

TEST(BoundedWorkerPoolTest, TasksHeldBackByPacingCountTowardTheQueueLimit) {
  WorkerPacing one_at_a_time;
  one_at_a_time.running = 1;
  one_at_a_time.longest_wait = std::chrono::hours(1);
  BoundedWorkerPool pool("paced", 4, 2, 0, one_at_a_time);  // idle threads make the queue no longer
  ExpectTwoQueuedAndTheThirdRefused(pool);
}

TEST(BoundedWorkerPoolTest, AThrowingTaskDoesNotKillTheWorker) {
  std::atomic<int> done{0};
  {
    BoundedWorkerPool pool("test", 1, 10);
    ASSERT_TRUE(pool.Submit([] { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(pool.Submit([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 1);
}

TEST(BoundedWorkerPoolTest, RefusesAfterShutdown) {
  BoundedWorkerPool pool("test", 1, 10);
  pool.Shutdown();
  EXPECT_FALSE(pool.Submit([] {}));
}

}  // namespace
}  // namespace citadel::core

namespace citadel::core {
namespace {

int ThisThreadsNice() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
}

TEST(BoundedWorkerPoolTest, ANiceIncrementLowersOnlyThePoolsThreads) {
  const int caller = ThisThreadsNice();
  std::promise<int> seen_low, seen_plain;
  {
    BoundedWorkerPool low("low", 1, 4, 10);
    BoundedWorkerPool plain("plain", 1, 4);
    ASSERT_TRUE(low.Submit([&] { seen_low.set_value(ThisThreadsNice()); }));
    ASSERT_TRUE(plain.Submit([&] { seen_plain.set_value(ThisThreadsNice()); }));
  }
  EXPECT_EQ(seen_low.get_future().get(), std::min(caller + 10, 19));
  EXPECT_EQ(seen_plain.get_future().get(), caller);
  EXPECT_EQ(ThisThreadsNice(), caller) << "the thread that made the pool keeps its priority";
}

}  // namespace
}  // namespace citadel::core
