#include "rpc/credential_cache.hpp"

#include <gtest/gtest.h>

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

TEST(CredentialCacheTest, APasswordChangeDropsTheEntry) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$hash-1");
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$hash-2"));
  EXPECT_EQ(cache.size(), 0u);
  // ...and it stays dropped even if the old hash came back.
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$hash-1"));
}

TEST(CredentialCacheTest, EntriesExpire) {
  core::FakeClock clock;
  CredentialCache cache(100, std::chrono::seconds(60), clock);
  cache.Put("acme", 2, "secret", "$h");
  clock.Advance(std::chrono::seconds(59));
  EXPECT_TRUE(cache.Matches("acme", 2, "secret", "$h"));
  clock.Advance(std::chrono::seconds(2));
  EXPECT_FALSE(cache.Matches("acme", 2, "secret", "$h"));
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

}  // namespace
}  // namespace citadel::rpc
