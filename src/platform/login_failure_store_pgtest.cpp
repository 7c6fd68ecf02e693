// LoginFailureStore against the harness's PostgreSQL: counters per scope and
// window, success resets only the (source, login) pair, edge blocks grow and
// can be lifted. Each test uses sources and tenant names of its own (the
// catalog is shared by the binary's tests).
#include "platform/login_failure_store.hpp"

#include <gtest/gtest.h>

#include "platform/testing/catalog_pg_test.hpp"

namespace citadel::platform {
namespace {

class LoginFailureStorePg : public testing::CatalogPgTest {
 protected:
  // Moves a counter's window back in time, as if `seconds` had passed.
  void Age(const std::string& source, int seconds) {
    auto catalog = tenants_->AcquireCatalog();
    ASSERT_TRUE(catalog);
    auto r = (*catalog)->Execute(
        "UPDATE login_failures SET window_start = window_start - make_interval(secs => $2::int), "
        "last_failure = last_failure - make_interval(secs => $2::int) WHERE source = $1",
        source, seconds);
    ASSERT_TRUE(r) << r.error().message;
  }
};

TEST_F(LoginFailureStorePg, FailuresCountPerPairSourceAndLoginWithinTheWindow) {
  LoginFailureStore store(*tenants_);
  const std::chrono::seconds window(600);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.RecordFailure("acme", "192.0.2.1", "alice", window));
  ASSERT_TRUE(store.RecordFailure("acme", "192.0.2.1", "bob", window));
  ASSERT_TRUE(store.RecordFailure("acme", "192.0.2.2", "alice", window));
  ASSERT_TRUE(store.RecordFailure("other", "192.0.2.1", "alice", window));

  auto counts = store.Read("acme", "192.0.2.1", "alice", window);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->source_login.failures, 3);
  EXPECT_EQ(counts->source.failures, 4) << "alice three times and bob once, from .1";
  EXPECT_EQ(counts->login.failures, 4) << "alice from .1 three times and from .2 once";
  EXPECT_LE(counts->source_login.since_last.count(), 1);

  ASSERT_TRUE(store.RecordSuccess("acme", "192.0.2.1", "alice"));
  counts = store.Read("acme", "192.0.2.1", "alice", window);
  EXPECT_EQ(counts->source_login.failures, 0) << "a success starts the pair again";
  EXPECT_EQ(counts->source.failures, 4) << "but not the source's or the login's count";

  Age("192.0.2.1", 601);
  counts = store.Read("acme", "192.0.2.1", "bob", window);
  EXPECT_EQ(counts->source_login.failures, 0) << "outside the window, nothing counts";
  auto again = store.RecordFailure("acme", "192.0.2.1", "bob", window);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->counts.source_login.failures, 1) << "a new window starts at 1";
}

TEST_F(LoginFailureStorePg, AnApiKeyFailureCountsForTheSourceOnly) {
  LoginFailureStore store(*tenants_);
  auto recorded = store.RecordFailure("acme", "192.0.2.20", "", std::chrono::seconds(600));
  ASSERT_TRUE(recorded) << recorded.error().message;
  EXPECT_EQ(recorded->counts.source.failures, 1);
  EXPECT_EQ(recorded->counts.login.failures, 0);
  EXPECT_EQ(recorded->counts.source_login.failures, 0);
}

TEST_F(LoginFailureStorePg, TooManyFailuresAcrossTenantsBlockASourceLongerEachTime) {
  EdgeBlockPolicy policy;
  policy.failures = 3;
  policy.first_block = std::chrono::seconds(60);
  policy.max_block = std::chrono::seconds(150);
  LoginFailureStore store(*tenants_, policy);
  const std::chrono::seconds window(600);
  auto in_block = [&](const std::string& source) -> std::optional<EdgeBlock> {
    auto blocks = store.ActiveBlocks();
    EXPECT_TRUE(blocks);
    for (const EdgeBlock& block : *blocks) {
      if (block.source == source) return block;
    }
    return std::nullopt;
  };
  ASSERT_TRUE(store.RecordFailure("t1", "198.51.100.7", "a", window));
  ASSERT_TRUE(store.RecordFailure("t2", "198.51.100.7", "b", window));
  EXPECT_FALSE(in_block("198.51.100.7"));
  auto third = store.RecordFailure("t3", "198.51.100.7", "c", window);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->edge_blocked);
  auto block = in_block("198.51.100.7");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->blocks, 1);
  const std::int64_t first_until = block->blocked_until_unix;

  auto lifted = store.Unblock("198.51.100.7");
  ASSERT_TRUE(lifted);
  EXPECT_TRUE(*lifted);
  EXPECT_FALSE(in_block("198.51.100.7"));
  EXPECT_FALSE(*store.Unblock("198.51.100.7")) << "nothing left to lift";

  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.RecordFailure("t1", "198.51.100.7", "a", window));
  block = in_block("198.51.100.7");
  ASSERT_TRUE(block) << "the counter started again after the block";
  EXPECT_EQ(block->blocks, 2);
  EXPECT_GE(block->blocked_until_unix, first_until + 55) << "twice as long: 120 s";
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.RecordFailure("t1", "198.51.100.7", "a", window));
  block = in_block("198.51.100.7");
  ASSERT_TRUE(block);
  EXPECT_LE(block->blocked_until_unix, first_until + 95) << "never beyond max_block (150 s)";
  ASSERT_TRUE(store.Unblock("198.51.100.7"));
}

TEST_F(LoginFailureStorePg, OldCountersArePurged) {
  LoginFailureStore store(*tenants_);
  ASSERT_TRUE(store.RecordFailure("acme", "203.0.113.9", "old", std::chrono::seconds(60)));
  Age("203.0.113.9", 7200);
  auto purged = store.PurgeOlderThan(std::chrono::hours(1));
  ASSERT_TRUE(purged) << purged.error().message;
  EXPECT_GE(*purged, 3) << "source_login, source and edge (the login's row has no source to age)";
}

}  // namespace
}  // namespace citadel::platform
