// PoolGroup's logic without PostgreSQL: caps, fairness, waiting, idle reaping
// with a FakeClock, discarding broken connections, eviction.
#include "db/connection_pool.hpp"

#include <atomic>
#include <future>
#include <map>
#include <thread>

#include <gtest/gtest.h>

namespace citadel::db {
namespace {

using namespace std::chrono_literals;

struct FakeBackend {
  std::atomic<int> connects{0};
  std::atomic<bool> fail_connect{false};
  std::atomic<bool> reusable{true};
  std::atomic<bool> alive{true};

  PoolGroup::Hooks Hooks() {
    return {[this](const std::string&) -> core::Result<Connection> {
              if (fail_connect) return core::Fail(core::ErrorCode::kUnavailable, "down");
              ++connects;
              return Connection();
            },
            [this](const Connection&) { return reusable.load(); },
            [this](Connection&) { return alive.load(); }};
  }
};

PoolLimits Limits(int total, int per_pool) {
  PoolLimits l;
  l.max_total = total;
  l.max_per_pool = per_pool;
  l.acquire_timeout = 50ms;
  l.idle_timeout = 60s;
  return l;
}

PoolGroup::DsnResolver AnyDsn() {
  return [](const std::string& key) -> core::Result<std::string> { return "dbname=" + key; };
}

std::map<std::string, PoolStats> ByKey(const PoolGroup& g) {
  std::map<std::string, PoolStats> m;
  for (const auto& s : g.Stats()) m[s.key] = s;
  return m;
}

TEST(PoolGroup, ReusesReturnedConnections) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 3), AnyDsn(), clock, backend.Hooks());
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); }
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); }
  EXPECT_EQ(backend.connects, 1);
  auto s = ByKey(pools)["a"];
  EXPECT_EQ(s.open, 1);
  EXPECT_EQ(s.in_use, 0);
}

// A restore onto the live database terminates the sessions pooled idle on
// the old database: the next caller gets a fresh connection, not a dead one.
TEST(PoolGroup, AnIdleConnectionWhoseSessionEndedIsReplacedWhenLent) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 3), AnyDsn(), clock, backend.Hooks());
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); }
  backend.alive = false;
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); }
  EXPECT_EQ(backend.connects, 2);
  auto s = ByKey(pools)["a"];
  EXPECT_EQ(s.open, 1);
  EXPECT_EQ(pools.Totals().open, 1);
}

TEST(PoolGroup, PerTenantCapRefusesAfterTimeout) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 2), AnyDsn(), clock, backend.Hooks());
  auto a1 = pools.Acquire("a");
  auto a2 = pools.Acquire("a");
  ASSERT_TRUE(a1 && a2);
  auto a3 = pools.Acquire("a");
  ASSERT_FALSE(a3);
  EXPECT_EQ(a3.error().code, core::ErrorCode::kResourceExhausted);
  EXPECT_NE(a3.error().message.find("per-tenant"), std::string::npos);
  // Another tenant is not affected by a's cap.
  EXPECT_TRUE(pools.Acquire("b"));
}

TEST(PoolGroup, GlobalCapRefusesAfterTimeout) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(3, 2), AnyDsn(), clock, backend.Hooks());
  auto a1 = pools.Acquire("a");
  auto a2 = pools.Acquire("a");
  auto b1 = pools.Acquire("b");
  ASSERT_TRUE(a1 && a2 && b1);
  auto c1 = pools.Acquire("c");
  ASSERT_FALSE(c1);
  EXPECT_EQ(c1.error().code, core::ErrorCode::kResourceExhausted);
  EXPECT_NE(c1.error().message.find("cluster-wide"), std::string::npos);
  EXPECT_EQ(pools.Totals().open, 3);
}

TEST(PoolGroup, WaiterGetsConnectionWhenOneIsReturned) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolLimits limits = Limits(10, 1);
  limits.acquire_timeout = 5s;
  PoolGroup pools(limits, AnyDsn(), clock, backend.Hooks());
  auto held = pools.Acquire("a");
  ASSERT_TRUE(held);
  auto waiter = std::async(std::launch::async, [&] { return pools.Acquire("a").has_value(); });
  while (ByKey(pools)["a"].waiting == 0) std::this_thread::sleep_for(1ms);
  held = core::Result<PooledConnection>(core::Fail(core::ErrorCode::kInternal, "released"));
  EXPECT_TRUE(waiter.get());
  EXPECT_EQ(backend.connects, 1);
}

TEST(PoolGroup, BusyTenantTakesIdleConnectionsOfOthersAtGlobalCap) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(2, 2), AnyDsn(), clock, backend.Hooks());
  { auto b1 = pools.Acquire("b"); auto b2 = pools.Acquire("b"); }  // b: 2 idle
  auto a1 = pools.Acquire("a");
  ASSERT_TRUE(a1) << a1.error().message;
  auto stats = ByKey(pools);
  EXPECT_EQ(stats["b"].open, 1);
  EXPECT_EQ(stats["a"].open, 1);
  EXPECT_EQ(pools.Totals().open, 2);
}

TEST(PoolGroup, IdleConnectionsAreReapedToZeroWithFakeClock) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 5), AnyDsn(), clock, backend.Hooks());
  {
    auto c1 = pools.Acquire("a");
    auto c2 = pools.Acquire("a");
  }
  EXPECT_EQ(pools.ReapIdle(), 0);
  clock.Advance(59s);
  EXPECT_EQ(pools.ReapIdle(), 0);
  EXPECT_EQ(ByKey(pools)["a"].open, 2);
  clock.Advance(1s);
  EXPECT_EQ(pools.ReapIdle(), 2);
  EXPECT_TRUE(pools.Stats().empty());  // the idle tenant's pool is gone entirely
  EXPECT_EQ(pools.Totals().open, 0);
}

TEST(PoolGroup, LentConnectionsAreNotReaped) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 5), AnyDsn(), clock, backend.Hooks());
  auto held = pools.Acquire("a");
  clock.Advance(1h);
  EXPECT_EQ(pools.ReapIdle(), 0);
  EXPECT_EQ(ByKey(pools)["a"].in_use, 1);
}

TEST(PoolGroup, BrokenConnectionIsDiscardedOnReturn) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 5), AnyDsn(), clock, backend.Hooks());
  backend.reusable = false;
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); }
  EXPECT_EQ(pools.Totals().open, 0);
  backend.reusable = true;
  { auto c = pools.Acquire("a"); ASSERT_TRUE(c); c->Discard(); }
  EXPECT_EQ(pools.Totals().open, 0);
  EXPECT_EQ(backend.connects, 2);
}

TEST(PoolGroup, FailedConnectReleasesItsSlot) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(1, 1), AnyDsn(), clock, backend.Hooks());
  backend.fail_connect = true;
  auto failed = pools.Acquire("a");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, core::ErrorCode::kUnavailable);
  backend.fail_connect = false;
  EXPECT_TRUE(pools.Acquire("a"));
}

TEST(PoolGroup, EvictClosesIdleAndLentConnectionsOnReturn) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolGroup pools(Limits(10, 5), AnyDsn(), clock, backend.Hooks());
  { auto idle = pools.Acquire("a"); }
  auto lent = pools.Acquire("a");
  auto lent2 = pools.Acquire("a");
  pools.Evict("a");
  EXPECT_EQ(ByKey(pools)["a"].open, 2);
  lent = core::Result<PooledConnection>(core::Fail(core::ErrorCode::kInternal, "x"));
  lent2 = core::Result<PooledConnection>(core::Fail(core::ErrorCode::kInternal, "x"));
  EXPECT_EQ(pools.Totals().open, 0);
}

TEST(PoolGroup, ManyThreadsNeverExceedTheCaps) {
  FakeBackend backend;
  core::FakeClock clock;
  PoolLimits limits = Limits(6, 2);
  limits.acquire_timeout = 2s;
  PoolGroup pools(limits, AnyDsn(), clock, backend.Hooks());
  std::atomic<int> max_open{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto c = pools.Acquire("k" + std::to_string(t % 4));
        ASSERT_TRUE(c) << c.error().message;
        int open = pools.Totals().open;
        int seen = max_open.load();
        while (open > seen && !max_open.compare_exchange_weak(seen, open)) {}
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_open.load(), 6);
  for (const auto& s : pools.Stats()) EXPECT_LE(s.open, 2);
}

}  // namespace
}  // namespace citadel::db
