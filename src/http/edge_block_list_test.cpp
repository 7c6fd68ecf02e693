#include "http/edge_block_list.hpp"

#include <gtest/gtest.h>

#include "http/test_ip_address.hpp"

namespace citadel::http {
namespace {

using testing::Ip;

TEST(EdgeBlockList, ABlockedSourceWaitsUntilItsBlockEnds) {
  EdgeBlockList list({});
  list.Replace({{Ip("192.0.2.1"), 1000}, {Ip("2001:db8::1"), 2000}});
  EXPECT_EQ(list.RetryAfter(Ip("192.0.2.1"), 900), 100);
  EXPECT_EQ(list.RetryAfter(Ip("2001:db8::1"), 1999), 1);
  EXPECT_FALSE(list.RetryAfter(Ip("192.0.2.1"), 1000)) << "over at its end";
  EXPECT_FALSE(list.RetryAfter(Ip("192.0.2.2"), 900));
  list.Replace({});
  EXPECT_FALSE(list.RetryAfter(Ip("2001:db8::1"), 1500)) << "lifted when the catalog says so";
}

TEST(EdgeBlockList, TheAllowListIsNeverBlocked) {
  EdgeBlockList list({*core::IpNetwork::Parse("10.0.0.0/8")});
  list.Replace({{Ip("10.1.2.3"), 1000}, {Ip("192.0.2.1"), 1000}});
  EXPECT_FALSE(list.RetryAfter(Ip("10.1.2.3"), 1));
  EXPECT_TRUE(list.RetryAfter(Ip("192.0.2.1"), 1));
  EXPECT_EQ(list.size(), 1u);
}

}  // namespace
}  // namespace citadel::http
