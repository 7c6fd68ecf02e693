// BoundedWorkerPool's pacing: past `running` tasks at once, a new one waits
// for a running worker to take it, unless it waited `longest_wait`.
#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/bounded_worker_pool.hpp"

namespace citadel::core {
namespace {

using namespace std::chrono_literals;

WorkerPacing Pacing(std::size_t running, std::chrono::microseconds longest_wait) {
  WorkerPacing pacing;
  pacing.running = running;
  pacing.longest_wait = longest_wait;
  return pacing;
}

TEST(BoundedWorkerPoolPacingTest, AHeldBackTaskIsTakenByTheRunningWorkerWhenItFinishes) {
  BoundedWorkerPool pool("paced", 4, 16, 0, Pacing(1, std::chrono::hours(1)));
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::promise<std::thread::id> first_thread, second_thread;
  std::atomic<bool> first_done{false}, second_started{false}, second_saw_first_done{false};
  ASSERT_TRUE(pool.Submit([&, gate] {
    first_thread.set_value(std::this_thread::get_id());
    gate.wait();
    first_done = true;
  }));
  ASSERT_TRUE(pool.Submit([&] {
    second_started = true;
    second_saw_first_done = first_done.load();
    second_thread.set_value(std::this_thread::get_id());
  }));
  const std::thread::id first = first_thread.get_future().get();
  // Three threads are idle, but one task runs at once and the wait is an hour:
  // the second task waits, however long this test looks.
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(second_started.load());
  EXPECT_EQ(pool.queued(), 1u);
  release.set_value();
  EXPECT_EQ(second_thread.get_future().get(), first) << "taken by the worker that finished, not handed to another";
  EXPECT_TRUE(second_saw_first_done.load());
  pool.Shutdown();
}

// The first task blocks until the second has run: only the pacer handing the
// second to an idle thread lets both finish. A pool that never does blocks the
// first for the whole 30 s and fails. The promises are shared with the tasks:
// a worker may still be inside set_value when this returns.
void ExpectALateTaskGetsAnIdleThread(BoundedWorkerPool& pool) {
  struct Seen {
    std::promise<std::thread::id> second_ran;
    std::promise<bool> first_saw_second;
    std::promise<std::thread::id> first_thread;
  };
  auto seen = std::make_shared<Seen>();
  std::shared_future<std::thread::id> second = seen->second_ran.get_future().share();
  ASSERT_TRUE(pool.Submit([seen, second] {
    seen->first_thread.set_value(std::this_thread::get_id());
    seen->first_saw_second.set_value(second.wait_for(30s) == std::future_status::ready);
  }));
  ASSERT_TRUE(pool.Submit([seen] { seen->second_ran.set_value(std::this_thread::get_id()); }));
  EXPECT_TRUE(seen->first_saw_second.get_future().get()) << "the held-back task never got a thread of its own";
  EXPECT_NE(seen->first_thread.get_future().get(), second.get());
}

TEST(BoundedWorkerPoolPacingTest, ATaskThatWaitedLongestWaitGetsAnIdleThread) {
  BoundedWorkerPool pool("paced", 2, 16, 0, Pacing(1, 5ms));
  ExpectALateTaskGetsAnIdleThread(pool);
  // The pacer disarms after a run of looks at an empty queue (~125 ms here);
  // the next held-back task must arm it again.
  std::this_thread::sleep_for(400ms);
  ExpectALateTaskGetsAnIdleThread(pool);
  pool.Shutdown();
}

TEST(BoundedWorkerPoolPacingTest, EveryTaskRunsOnceWhetherHandedQueuedOrPaced) {
  std::atomic<int> done{0};
  std::atomic<int> refused{0};
  {
    BoundedWorkerPool pool("paced", 4, 100000, 0, Pacing(2, 100us));
    std::vector<std::thread> submitters;
    for (int t = 0; t < 4; ++t) {
      submitters.emplace_back([&] {
        for (int i = 0; i < 2000; ++i) {
          const bool slow = i % 97 == 0;  // some tasks outlast the wait
          if (!pool.Submit([&, slow] {
                if (slow) std::this_thread::sleep_for(300us);
                done.fetch_add(1, std::memory_order_relaxed);
              })) {
            ++refused;
          }
          if (i % 64 == 0) std::this_thread::yield();
        }
      });
    }
    for (auto& submitter : submitters) submitter.join();
  }
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(done.load(), 8000);
}

TEST(BoundedWorkerPoolPacingTest, ShutdownRunsWhatWasHeldBack) {
  std::atomic<int> done{0};
  {
    BoundedWorkerPool pool("paced", 4, 64, 0, Pacing(1, std::chrono::hours(1)));
    ASSERT_TRUE(pool.Submit([&] {
      std::this_thread::sleep_for(20ms);
      ++done;
    }));
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(pool.Submit([&] { ++done; }));
  }
  EXPECT_EQ(done.load(), 11);
}

TEST(BoundedWorkerPoolPacingTest, ALongWaitGivesItsRunningSlotToAWaitingTask) {
  BoundedWorkerPool pool("paced", 3, 16, 0, Pacing(1, std::chrono::hours(1)));
  std::promise<void> started, second_queued, second_ran;
  std::shared_future<void> queued = second_queued.get_future().share();
  std::shared_future<void> second = second_ran.get_future().share();
  std::promise<bool> first_saw_second;
  ASSERT_TRUE(pool.Submit([&, queued, second] {
    started.set_value();
    queued.wait();  // the second waits in the queue before this one leaves its slot
    {
      const BoundedWorkerPool::LongWait outer;
      const BoundedWorkerPool::LongWait inner;  // nested: only the outermost counts
      // One task at once and an hour's wait: the second runs only because
      // this one handed it its slot.
      first_saw_second.set_value(second.wait_for(30s) == std::future_status::ready);
    }
  }));
  started.get_future().wait();
  ASSERT_TRUE(pool.Submit([&] { second_ran.set_value(); }));
  EXPECT_EQ(pool.queued(), 1u);
  second_queued.set_value();
  EXPECT_TRUE(first_saw_second.get_future().get());
  pool.Shutdown();
  EXPECT_EQ(pool.running(), 0u);
}

TEST(BoundedWorkerPoolPacingTest, AboveItsLimitWhileCallsWaitThenPacedAgain) {
  // One at a time, an hour's wait. A leaves its slot to B (LongWait) and comes
  // back; A's worker then goes on with C beside B (two at once: the pool grows
  // while calls wait on something else than the CPU). Once the queue is
  // empty, the pool is paced again: E waits for D.
  BoundedWorkerPool pool("paced", 3, 16, 0, Pacing(1, std::chrono::hours(1)));
  std::promise<void> a_started, b_started, all_queued, release_b, c_ran;
  std::shared_future<void> b_running = b_started.get_future().share();
  std::shared_future<void> queued = all_queued.get_future().share();
  std::shared_future<void> b_gate = release_b.get_future().share();
  ASSERT_TRUE(pool.Submit([&a_started, queued, b_running] {
    a_started.set_value();
    queued.wait();
    const BoundedWorkerPool::LongWait waiting;
    b_running.wait();
  }));
  a_started.get_future().wait();
  ASSERT_TRUE(pool.Submit([&b_started, b_gate] {
    b_started.set_value();
    b_gate.wait();
  }));
  ASSERT_TRUE(pool.Submit([&c_ran] { c_ran.set_value(); }));
  all_queued.set_value();
  const bool c_ran_beside_b = c_ran.get_future().wait_for(30s) == std::future_status::ready;
  release_b.set_value();
  ASSERT_TRUE(c_ran_beside_b) << "A's worker went idle above the limit instead of going on with C";
  for (int i = 0; i < 3000 && pool.running() != 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(pool.running(), 0u) << "the queue emptied: every worker goes idle";

  std::promise<void> d_started, release_d;
  std::shared_future<void> d_gate = release_d.get_future().share();
  std::atomic<bool> e_started{false};
  ASSERT_TRUE(pool.Submit([&d_started, d_gate] {
    d_started.set_value();
    d_gate.wait();
  }));
  d_started.get_future().wait();
  ASSERT_TRUE(pool.Submit([&e_started] { e_started = true; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(e_started.load()) << "handed to an idle thread although one runs";
  EXPECT_EQ(pool.running(), 1u);
  EXPECT_EQ(pool.queued(), 1u);
  release_d.set_value();
  pool.Shutdown();
  EXPECT_TRUE(e_started.load());
}

TEST(BoundedWorkerPoolPacingTest, ALongWaitOffThePoolDoesNothing) {
  BoundedWorkerPool pool("paced", 2, 16, 0, Pacing(1, std::chrono::hours(1)));
  { const BoundedWorkerPool::LongWait waiting; }  // this thread is no worker of it
  EXPECT_EQ(pool.running(), 0u);
}

}  // namespace
}  // namespace citadel::core
