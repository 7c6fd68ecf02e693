#include "db/prepared_statement_cache.hpp"

#include <gtest/gtest.h>

namespace citadel::db {
namespace {

TEST(PreparedStatementCache, OnlyDataStatementsAreCacheable) {
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("SELECT 1"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("  select id FROM t"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("(SELECT 1) UNION (SELECT 2)"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("WITH x AS (SELECT 1) SELECT * FROM x"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("INSERT INTO t VALUES ($1)"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("UPDATE t SET v = $1"));
  EXPECT_TRUE(PreparedStatementCache::IsCacheable("DELETE FROM t"));
  EXPECT_FALSE(PreparedStatementCache::IsCacheable("CREATE TABLE t (v int)"));
  EXPECT_FALSE(PreparedStatementCache::IsCacheable("BEGIN"));
  EXPECT_FALSE(PreparedStatementCache::IsCacheable("SELECTION"));
  EXPECT_FALSE(PreparedStatementCache::IsCacheable(""));
}

TEST(PreparedStatementCache, EvictsTheLeastRecentlyUsed) {
  PreparedStatementCache cache(2);
  EXPECT_FALSE(cache.Remember("SELECT 1", "a"));
  EXPECT_FALSE(cache.Remember("SELECT 2", "b"));
  EXPECT_EQ(cache.Find("SELECT 1"), "a");  // now 2 is the least recently used
  auto evicted = cache.Remember("SELECT 3", "c");
  ASSERT_TRUE(evicted);
  EXPECT_EQ(*evicted, "b");
  EXPECT_FALSE(cache.Find("SELECT 2"));
  EXPECT_EQ(cache.Find("SELECT 3"), "c");
  EXPECT_EQ(cache.size(), 2u);
}

TEST(PreparedStatementCache, ForgetAndClear) {
  PreparedStatementCache cache;
  cache.Remember("SELECT 1", cache.NextName());
  cache.Remember("SELECT 2", cache.NextName());
  cache.Forget("SELECT 1");
  EXPECT_FALSE(cache.Find("SELECT 1"));
  EXPECT_TRUE(cache.Find("SELECT 2"));
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_NE(cache.NextName(), cache.NextName());
}

}  // namespace
}  // namespace citadel::db
