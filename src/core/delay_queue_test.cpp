#include "core/delay_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <vector>

namespace citadel::core {
namespace {

TEST(DelayQueue, RunsTasksInTheOrderTheyAreDueNotScheduled) {
  DelayQueue queue(10);
  std::mutex mutex;
  std::vector<int> order;
  std::promise<void> done;
  ASSERT_TRUE(queue.Schedule(std::chrono::milliseconds(60), [&] {
    std::lock_guard lock(mutex);
    order.push_back(2);
    done.set_value();
  }));
  ASSERT_TRUE(queue.Schedule(std::chrono::milliseconds(5), [&] {
    std::lock_guard lock(mutex);
    order.push_back(1);
  }));
  const auto start = std::chrono::steady_clock::now();
  done.get_future().wait();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(55));
  std::lock_guard lock(mutex);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(DelayQueue, RefusesWorkBeyondItsBound) {
  DelayQueue queue(2);
  EXPECT_TRUE(queue.Schedule(std::chrono::hours(1), [] {}));
  EXPECT_TRUE(queue.Schedule(std::chrono::hours(1), [] {}));
  EXPECT_FALSE(queue.Schedule(std::chrono::milliseconds(0), [] {}));
  EXPECT_EQ(queue.pending(), 2u);
}  // the destructor drops the pending tasks and returns at once

TEST(DelayQueue, AThrowingTaskDoesNotStopTheQueue) {
  DelayQueue queue(4);
  std::promise<void> ran;
  ASSERT_TRUE(queue.Schedule(std::chrono::milliseconds(0), [] { throw std::runtime_error("x"); }));
  ASSERT_TRUE(queue.Schedule(std::chrono::milliseconds(1), [&] { ran.set_value(); }));
  EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace citadel::core
