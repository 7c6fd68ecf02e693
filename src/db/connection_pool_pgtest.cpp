// PoolGroup with real PostgreSQL connections: caps, idle shrink, broken
// connections discarded. Keys are database names, reached as superuser.
#include "db/connection_pool.hpp"

#include <thread>

#include <gtest/gtest.h>

#include "db/error.hpp"
#include "db/testing/pg_test_cluster.hpp"

namespace citadel::db {
namespace {

using namespace std::chrono_literals;

PoolGroup::DsnResolver SuperuserTo() {
  return [](const std::string& db) -> core::Result<std::string> {
    return testing::PgTestCluster().SuperuserDsn(db);
  };
}

int ServerConnectionsTo(const std::string& db) {
  auto conn = Connection::Open(testing::PgTestCluster().SuperuserDsn("postgres"));
  EXPECT_TRUE(conn);
  auto r = conn->Execute("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", db);
  EXPECT_TRUE(r);
  return std::stoi(r->Text(0, "count"));
}

TEST(PoolGroupPg, CapsAreEnforcedPerTenantAndGlobally) {
  PoolLimits limits;
  limits.max_total = 3;
  limits.max_per_pool = 2;
  limits.acquire_timeout = 100ms;
  PoolGroup pools(limits, SuperuserTo());
  auto a1 = pools.Acquire("postgres");
  auto a2 = pools.Acquire("postgres");
  ASSERT_TRUE(a1 && a2);
  auto a3 = pools.Acquire("postgres");
  ASSERT_FALSE(a3);
  EXPECT_EQ(a3.error().code, core::ErrorCode::kResourceExhausted);
  auto b1 = pools.Acquire("template1");
  ASSERT_TRUE(b1) << b1.error().message;
  auto b2 = pools.Acquire("template1");
  ASSERT_FALSE(b2);  // template1 is under its own cap, but the cluster-wide cap is reached
  EXPECT_NE(b2.error().message.find("cluster-wide"), std::string::npos);
  EXPECT_TRUE((*a1)->Execute("SELECT 1"));
}

// What a restore onto the live database does to other servers' pools: their
// idle sessions are terminated; the next caller must get a live one.
TEST(PoolGroupPg, AnIdleConnectionTerminatedByTheServerIsNotLentAgain) {
  PoolGroup pools(PoolLimits{}, SuperuserTo());
  int old_pid = 0;
  {
    auto c = pools.Acquire("postgres");
    ASSERT_TRUE(c) << c.error().message;
    old_pid = (*c)->BackendPid();
  }
  auto admin = Connection::Open(testing::PgTestCluster().SuperuserDsn("postgres"));
  ASSERT_TRUE(admin);
  ASSERT_TRUE(admin->Execute("SELECT pg_terminate_backend($1::int, 5000)", old_pid));
  auto c = pools.Acquire("postgres");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_NE((*c)->BackendPid(), old_pid);
  EXPECT_TRUE((*c)->Execute("SELECT 1"));
}

TEST(PoolGroupPg, IdlePoolShrinksToZeroOnTheServerToo) {
  core::FakeClock clock;
  PoolLimits limits;
  limits.idle_timeout = 60s;
  PoolGroup pools(limits, SuperuserTo(), clock);
  ASSERT_TRUE(Connection::Open(testing::PgTestCluster().SuperuserDsn("postgres"))
                  ->Execute("CREATE DATABASE pool_idle_db"));
  {
    auto c1 = pools.Acquire("pool_idle_db");
    auto c2 = pools.Acquire("pool_idle_db");
    ASSERT_TRUE(c1 && c2);
  }
  EXPECT_EQ(ServerConnectionsTo("pool_idle_db"), 2);
  clock.Advance(61s);
  EXPECT_EQ(pools.ReapIdle(), 2);
  EXPECT_TRUE(pools.Stats().empty());
  for (int i = 0; i < 50 && ServerConnectionsTo("pool_idle_db") != 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(ServerConnectionsTo("pool_idle_db"), 0);
}

TEST(PoolGroupPg, BrokenConnectionIsDiscardedAndReplaced) {
  PoolGroup pools(PoolLimits{}, SuperuserTo());
  int first_pid = 0;
  {
    auto c = pools.Acquire("postgres");
    ASSERT_TRUE(c);
    first_pid = (*c)->BackendPid();
    auto killer = Connection::Open(testing::PgTestCluster().SuperuserDsn("postgres"));
    ASSERT_TRUE(killer->Execute("SELECT pg_terminate_backend($1)", first_pid));
    auto r = (*c)->Execute("SELECT 1");
    ASSERT_FALSE(r);
    EXPECT_TRUE(IsConnectionLoss(r.error()));
  }
  EXPECT_EQ(pools.Totals().open, 0);
  auto again = pools.Acquire("postgres");
  ASSERT_TRUE(again);
  EXPECT_NE((*again)->BackendPid(), first_pid);
  EXPECT_TRUE((*again)->Execute("SELECT 1"));
}

TEST(PoolGroupPg, ConnectionLeftInTransactionIsNotReused) {
  PoolGroup pools(PoolLimits{}, SuperuserTo());
  {
    auto c = pools.Acquire("postgres");
    ASSERT_TRUE((*c)->Execute("BEGIN"));
  }
  EXPECT_EQ(pools.Totals().open, 0);
}

}  // namespace
}  // namespace citadel::db
