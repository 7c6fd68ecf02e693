#include "rpc/credential_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace citadel::rpc {
namespace {

TEST(CredentialCacheTest, MatchesOnlyTheVerifiedPasswordForThatUserTenantAndHash) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$hash-1");
  EXPECT_TRUE(cache.Matches("acme", 2, "secret", "$hash-1"));
  EXPECT_FALSE(cache.Matches("acme", 2, "Secret", "$hash-1"));
  EXPECT_FALSE(cache.Matches("acme", 3, "secret", "$hash-1"));
  EXPECT_FALSE(cache.Matches("other", 2, "secret", "$hash-1"));
}

TEST(CredentialCacheTest, AKeyComputedOnceNamesTheSameEntry) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$hash-1");
  const CredentialCache::Key key = cache.KeyOf("acme", 2, "secret");
  EXPECT_EQ(key, cache.KeyOf("acme", 2, "secret"));
  EXPECT_FALSE(key == cache.KeyOf("acme", 2, "secreT"));
  EXPECT_FALSE(key == cache.KeyOf("acme", 3, "secret"));
  EXPECT_FALSE(key == cache.KeyOf("acmf", 2, "secret"));
  EXPECT_TRUE(cache.Holds(key));
  EXPECT_TRUE(cache.HoldsForPassword(key));
  EXPECT_FALSE(cache.Holds(cache.KeyOf("acme", 2, "Secret")));
  EXPECT_TRUE(cache.MatchesAny(key, {"$other", "$hash-1"}, false));
  EXPECT_FALSE(cache.MatchesAny(key, {"$other"}, true));  // dropped
  EXPECT_FALSE(cache.Holds(key));
  EXPECT_FALSE(cache.Holds("acme", 2, "secret"));
  // Another cache (another process key) names it otherwise.
  CredentialCache other(100, std::chrono::seconds(60), clock);
  EXPECT_FALSE(other.KeyOf("acme", 2, "secret") == key);
}

TEST(CredentialCacheTest, APasswordChangeDropsTheEntry) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$hash-1");
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$hash-2"));
  EXPECT_EQ(cache.size(), 0u);
  // ...and it stays dropped even if the old hash came back.
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$hash-1"));
}

TEST(CredentialCacheTest, EntriesUnusedForTheTtlExpire) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$h");
  cache.Put("acme", 3, "secret", "$h");
  clock.Advance(std::chrono::seconds(59));
  EXPECT_TRUE(cache.Matches("acme", 2, "secret", "$h"));
  clock.Advance(std::chrono::seconds(2));
  EXPECT_FALSE(cache.Matches("acme", 3, "secret", "$h"));  // unused for 61 s
  EXPECT_TRUE(cache.Matches("acme", 2, "secret", "$h"));   // used 2 s ago
  clock.Advance(std::chrono::seconds(61));
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$h"));
}

// Regression: at expiry every call in flight re-verified at once (seconds of
// PBKDF2 under load); use now renews an entry, within an absolute bound.
TEST(CredentialCacheTest, UseRenewsAnEntryUpToItsMaximumAge) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$h");
  for (int i = 0; i < 10; ++i) {
    clock.Advance(std::chrono::seconds(50));
    EXPECT_TRUE(cache.Matches("acme", 2, "secret", "$h")) << i;
  }
  cache.Put("acme", 3, "secret", "$h");
  // 61 uses 59 s apart: 3,599 s after the verification, the last one within
  // 60 ttls; the next, at 3,658 s, verifies again.
  for (int i = 0; i < 61; ++i) {
    clock.Advance(std::chrono::seconds(59));
    ASSERT_TRUE(cache.Matches("acme", 3, "secret", "$h")) << i;
  }
  clock.Advance(std::chrono::seconds(59));
  EXPECT_FALSE(cache.Matches("acme", 3, "secret", "$h"));
}

// Regression: a check against the password's hash dropped the entry of an
// API key standing for the password, so execute_kw with a key never passed.
TEST(CredentialCacheTest, MatchesAnyFindsAKeyEntryAmongTheUsersHashes) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "key", "$key-hash");
  EXPECT_FALSE(cache.MatchesAny("acme", 2, "key", {"$password-hash"}, false));
  EXPECT_TRUE(cache.MatchesAny("acme", 2, "key", {"$password-hash", "$key-hash"}, true));
  EXPECT_FALSE(cache.MatchesAny("acme", 2, "key", {"$password-hash"}, true));
  EXPECT_FALSE(cache.MatchesAny("acme", 2, "key", {"$password-hash", "$key-hash"}, true));  // dropped
}

TEST(CredentialCacheTest, BoundedOldestFirst) {
  core::FakeClock clock;
  CredentialCache cache(3, std::chrono::seconds(60), clock);
  for (int uid = 1; uid <= 5; ++uid) cache.Put("acme", uid, "pw", "$h");
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_FALSE(cache.Matches("acme", 1, "pw", "$h"));
  EXPECT_FALSE(cache.Matches("acme", 2, "pw", "$h"));
  EXPECT_TRUE(cache.Matches("acme", 5, "pw", "$h"));
  cache.Forget("acme", 5, "pw");
  EXPECT_FALSE(cache.Matches("acme", 5, "pw", "$h"));
}

// The keyed MAC's context is shared by every db worker (each copies it): many
// threads at once still find exactly their own entries.
TEST(CredentialCacheTest, ThreadsAtOnceFindExactlyTheirOwnEntries) {
  core::FakeClock clock;
  CredentialCache cache(10'000, std::chrono::seconds(60), clock);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) {
        const std::int64_t uid = t * 1000 + i;
        const std::string password = "pw-" + std::to_string(uid);
        cache.Put("acme", uid, password, "$h");
        if (!cache.Holds("acme", uid, password) || !cache.Matches("acme", uid, password, "$h")) ++wrong;
        if (cache.Holds("acme", uid, password + "x") || cache.Holds("acme", uid + 1, password)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(cache.size(), 2'400u);
}

}  // namespace
}  // namespace citadel::rpc
