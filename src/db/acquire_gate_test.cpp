// AcquireGate alone and through a PoolGroup (fake connections): a pause holds
// new leases until resumed or until its bound, never one a thread needs to
// finish work it started; drained means paused with nothing lent.
#include "db/acquire_gate.hpp"

#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "db/connection_pool.hpp"

namespace citadel::db {
namespace {

using namespace std::chrono_literals;
using GateClock = AcquireGate::Clock;

std::unique_ptr<PoolGroup> GatedPoolGroup(std::shared_ptr<AcquireGate> gate) {
  PoolLimits limits;
  limits.acquire_timeout = 50ms;  // shorter than the pauses below: a pause must not count
  PoolGroup::Hooks hooks{[](const std::string&) -> core::Result<Connection> { return Connection(); },
                         [](const Connection&) { return true; }, [](Connection&) { return true; }};
  auto pools = std::make_unique<PoolGroup>(
      limits, [](const std::string& k) -> core::Result<std::string> { return k; },
      core::SystemClock::Instance(), hooks);
  pools->UseGate(std::move(gate));
  return pools;
}

TEST(AcquireGate, APausedAcquireWaitsForResumeAndDoesNotFail) {
  auto gate = std::make_shared<AcquireGate>();
  auto pools = GatedPoolGroup(gate);
  gate->Pause(GateClock::now() + 10s);
  auto waiting = std::async(std::launch::async, [&] { return pools->Acquire("a").has_value(); });
  EXPECT_EQ(waiting.wait_for(200ms), std::future_status::timeout);  // held, not refused
  EXPECT_TRUE(gate->WaitDrained(GateClock::now() + 1s));
  gate->Resume();
  ASSERT_EQ(waiting.wait_for(5s), std::future_status::ready);
  EXPECT_TRUE(waiting.get());
  EXPECT_EQ(gate->active(), 0);  // the lease went back when the future's result was made
}

TEST(AcquireGate, APauseEndsByItselfAtItsBound) {
  auto gate = std::make_shared<AcquireGate>();
  auto pools = GatedPoolGroup(gate);
  const auto start = GateClock::now();
  gate->Pause(start + 300ms);  // whoever paused is gone: nobody resumes
  auto lease = pools->Acquire("a");
  EXPECT_TRUE(lease);
  EXPECT_GE(GateClock::now() - start, 290ms);
  EXPECT_FALSE(gate->paused());
}

TEST(AcquireGate, DrainedOnlyOnceEveryLeaseIsBack) {
  auto gate = std::make_shared<AcquireGate>();
  auto pools = GatedPoolGroup(gate);
  auto lease = pools->Acquire("a");
  ASSERT_TRUE(lease);
  EXPECT_EQ(gate->active(), 1);
  gate->Pause(GateClock::now() + 10s);
  EXPECT_FALSE(gate->WaitDrained(GateClock::now() + 100ms));
  auto returned = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(100ms);
    std::optional<PooledConnection> gone = std::move(*lease);
  });
  EXPECT_TRUE(gate->WaitDrained(GateClock::now() + 5s));
  returned.get();
  EXPECT_EQ(gate->active(), 0);
}

TEST(AcquireGate, AThreadHoldingALeaseIsNotHeld) {
  // A call holding the catalog's connection that needs a tenant's: holding
  // it would deadlock the drain, which waits for the first lease.
  auto gate = std::make_shared<AcquireGate>();
  auto pools = GatedPoolGroup(gate);
  auto first = pools->Acquire("catalog");
  ASSERT_TRUE(first);
  gate->Pause(GateClock::now() + 10s);
  const auto start = GateClock::now();
  auto second = pools->Acquire("tenant");
  EXPECT_TRUE(second);
  EXPECT_LT(GateClock::now() - start, 1s);
  EXPECT_EQ(gate->active(), 2);
}

TEST(AcquireGate, NotDrainedWhenNotPaused) {
  AcquireGate gate;
  EXPECT_FALSE(gate.WaitDrained(GateClock::now() + 10ms));
}

TEST(PoolGroup, CloseIdleClosesEveryKeysIdleConnections) {
  auto pools = GatedPoolGroup(std::make_shared<AcquireGate>());
  { auto a = pools->Acquire("a"); auto b = pools->Acquire("b"); }
  EXPECT_EQ(pools->Totals().open, 2);
  EXPECT_EQ(pools->CloseIdle(), 2);
  EXPECT_EQ(pools->Totals().open, 0);
}

}  // namespace
}  // namespace citadel::db
