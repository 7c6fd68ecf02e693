#include "http/ip_rate_limiter.hpp"

#include <gtest/gtest.h>

#include "http/test_ip_address.hpp"

namespace citadel::http {
namespace {

using namespace std::chrono_literals;
using testing::Ip;

IpRateLimiter::Options RateLimits(double per_second, double burst) {
  IpRateLimiter::Options options;
  options.requests_per_second = per_second;
  options.burst = burst;
  return options;
}

TEST(IpRateLimiterTest, AllowsTheBurstThenRefuses) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(1, 3), clock);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed) << i;
  auto refused = limiter.Check(Ip("192.0.2.1"));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_seconds, 1);
}

TEST(IpRateLimiterTest, RefillsAtTheConfiguredRate) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(2, 2), clock);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
  clock.Advance(499ms);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
  clock.Advance(2ms);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
  // Refill never exceeds the burst, however long the client was away.
  clock.Advance(3600s);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
}

TEST(IpRateLimiterTest, RetryAfterIsTheWholeSecondsUntilATokenIsBack) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(0.2, 1), clock);  // one request per 5 s
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_EQ(limiter.Check(Ip("192.0.2.1")).retry_after_seconds, 5);
  clock.Advance(3500ms);
  EXPECT_EQ(limiter.Check(Ip("192.0.2.1")).retry_after_seconds, 2);  // 1.5 s, rounded up
  clock.Advance(1400ms);
  EXPECT_EQ(limiter.Check(Ip("192.0.2.1")).retry_after_seconds, 1);  // 0.1 s is still >= 1
}

TEST(IpRateLimiterTest, ClientsHaveSeparateBuckets) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(1, 1), clock);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.2")).allowed);
}

TEST(IpRateLimiterTest, AnIpv6ClientIsCountedByItsSlash64) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(1, 1), clock);
  EXPECT_TRUE(limiter.Check(Ip("2001:db8:1:2::1")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("2001:db8:1:2:ffff::9")).allowed);
  EXPECT_TRUE(limiter.Check(Ip("2001:db8:1:3::1")).allowed);
}

TEST(IpRateLimiterTest, AllowListedNetworksAreExempt) {
  core::FakeClock clock;
  auto options = RateLimits(1, 1);
  options.exempt = {*core::IpNetwork::Parse("10.0.0.0/8")};
  IpRateLimiter limiter(options, clock);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(limiter.Check(Ip("10.1.2.3")).allowed);
  EXPECT_EQ(limiter.tracked_clients(), 0u);
  EXPECT_TRUE(limiter.Check(Ip("11.1.2.3")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("11.1.2.3")).allowed);
}

TEST(IpRateLimiterTest, AZeroRateTurnsTheLimitOff) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(0, 1), clock);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
}

TEST(IpRateLimiterTest, AFloodOfAddressesCannotGrowTheTableBeyondItsBound) {
  core::FakeClock clock;
  auto options = RateLimits(1, 5);
  options.max_tracked_clients = 1000;
  IpRateLimiter limiter(options, clock);
  for (unsigned i = 0; i < 50'000; ++i) {
    core::IpAddress address = Ip("10.0.0.0");
    address.bytes[13] = static_cast<unsigned char>(i >> 16);
    address.bytes[14] = static_cast<unsigned char>(i >> 8);
    address.bytes[15] = static_cast<unsigned char>(i);
    limiter.Check(address);
    ASSERT_LE(limiter.tracked_clients(), 1000u);
  }
}

TEST(IpRateLimiterTest, IdleClientsAreForgotten) {
  core::FakeClock clock;
  IpRateLimiter limiter(RateLimits(10, 10), clock);
  limiter.Check(Ip("192.0.2.1"));
  limiter.Check(Ip("192.0.2.2"));
  EXPECT_EQ(limiter.tracked_clients(), 2u);
  clock.Advance(2s);  // both buckets are full again: nothing to remember
  limiter.Check(Ip("192.0.2.3"));
  EXPECT_EQ(limiter.tracked_clients(), 1u);
}

TEST(IpRateLimiterTest, EvictingTheOldestKeepsABusyClientLimited) {
  core::FakeClock clock;
  auto options = RateLimits(0.001, 1);
  options.max_tracked_clients = 2;
  IpRateLimiter limiter(options, clock);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.1")).allowed);
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.2")).allowed);
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);  // now the most recent
  EXPECT_TRUE(limiter.Check(Ip("192.0.2.3")).allowed);   // evicts .2, the least recent
  EXPECT_FALSE(limiter.Check(Ip("192.0.2.1")).allowed);
}

}  // namespace
}  // namespace citadel::http
