#include "http/connection_limiter.hpp"

#include <optional>

#include <gtest/gtest.h>

#include "http/test_ip_address.hpp"

namespace citadel::http {
namespace {

using testing::Ip;

ConnectionLimiter::Options ConnectionLimits(std::size_t total, std::size_t per_client) {
  ConnectionLimiter::Options options;
  options.max_total = total;
  options.max_per_client = per_client;
  return options;
}

TEST(ConnectionLimiterTest, CapsConnectionsPerClient) {
  ConnectionLimiter limiter(ConnectionLimits(100, 2));
  auto first = limiter.TryAdmit(Ip("192.0.2.1"));
  auto second = limiter.TryAdmit(Ip("192.0.2.1"));
  ASSERT_TRUE(first && second);
  auto third = limiter.TryAdmit(Ip("192.0.2.1"));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error(), ConnectionRefusal::kPerClientLimit);
  EXPECT_TRUE(limiter.TryAdmit(Ip("192.0.2.2")));
  EXPECT_EQ(limiter.open_for(Ip("192.0.2.1")), 2u);
}

TEST(ConnectionLimiterTest, CapsConnectionsInTotal) {
  ConnectionLimiter limiter(ConnectionLimits(2, 10));
  auto first = limiter.TryAdmit(Ip("192.0.2.1"));
  auto second = limiter.TryAdmit(Ip("192.0.2.2"));
  auto third = limiter.TryAdmit(Ip("192.0.2.3"));
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error(), ConnectionRefusal::kTotalLimit);
  EXPECT_EQ(limiter.open_total(), 2u);
}

TEST(ConnectionLimiterTest, ASlotGivesItsPlaceBackWhenDestroyed) {
  ConnectionLimiter limiter(ConnectionLimits(1, 1));
  {
    auto slot = limiter.TryAdmit(Ip("192.0.2.1"));
    ASSERT_TRUE(slot);
    EXPECT_FALSE(limiter.TryAdmit(Ip("192.0.2.1")));
  }
  EXPECT_EQ(limiter.open_total(), 0u);
  EXPECT_EQ(limiter.tracked_clients(), 0u);  // nothing kept for a client with no connection
  EXPECT_TRUE(limiter.TryAdmit(Ip("192.0.2.1")));
}

TEST(ConnectionLimiterTest, AMovedSlotIsReleasedOnce) {
  ConnectionLimiter limiter(ConnectionLimits(10, 10));
  std::optional<ConnectionLimiter::Slot> kept;
  {
    auto slot = limiter.TryAdmit(Ip("192.0.2.1"));
    ASSERT_TRUE(slot);
    kept.emplace(std::move(*slot));
  }
  EXPECT_EQ(limiter.open_total(), 1u);
  kept.reset();
  EXPECT_EQ(limiter.open_total(), 0u);
}

TEST(ConnectionLimiterTest, ExemptNetworksSkipThePerClientCapButNotTheTotal) {
  auto options = ConnectionLimits(3, 1);
  options.exempt = {*core::IpNetwork::Parse("127.0.0.0/8")};
  ConnectionLimiter limiter(options);
  auto a = limiter.TryAdmit(Ip("127.0.0.1"));
  auto b = limiter.TryAdmit(Ip("127.0.0.1"));
  auto c = limiter.TryAdmit(Ip("127.0.0.1"));
  EXPECT_TRUE(a && b && c);
  auto d = limiter.TryAdmit(Ip("127.0.0.1"));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error(), ConnectionRefusal::kTotalLimit);
}

TEST(ConnectionLimiterTest, AnIpv6ClientIsCountedByItsSlash64) {
  ConnectionLimiter limiter(ConnectionLimits(10, 1));
  auto first = limiter.TryAdmit(Ip("2001:db8::1"));
  ASSERT_TRUE(first);
  EXPECT_FALSE(limiter.TryAdmit(Ip("2001:db8::2")));
  EXPECT_TRUE(limiter.TryAdmit(Ip("2001:db8:0:1::1")));
}

}  // namespace
}  // namespace citadel::http
