#include "core/ip_network.hpp"

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

TEST(IpNetworkTest, ParsesBothFamilies) {
  EXPECT_TRUE(IpAddress::Parse("127.0.0.1")->is_v4());
  EXPECT_FALSE(IpAddress::Parse("::1")->is_v4());
  EXPECT_EQ(IpAddress::Parse("[::1]")->ToString(), "::1");
  EXPECT_EQ(IpAddress::Parse("10.1.2.3")->ToString(), "10.1.2.3");
  EXPECT_FALSE(IpAddress::Parse("300.1.1.1"));
  EXPECT_FALSE(IpAddress::Parse("example.com"));
  EXPECT_FALSE(IpAddress::Parse(""));
}

TEST(IpNetworkTest, ContainsByPrefix) {
  auto net = IpNetwork::Parse("10.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->Contains(*IpAddress::Parse("10.255.1.2")));
  EXPECT_FALSE(net->Contains(*IpAddress::Parse("11.0.0.1")));
  EXPECT_FALSE(net->Contains(*IpAddress::Parse("::1")));

  auto host = IpNetwork::Parse("127.0.0.2");
  EXPECT_TRUE(host->Contains(*IpAddress::Parse("127.0.0.2")));
  EXPECT_FALSE(host->Contains(*IpAddress::Parse("127.0.0.3")));

  auto odd = IpNetwork::Parse("192.168.1.77/26");  // host bits are cleared
  EXPECT_TRUE(odd->Contains(*IpAddress::Parse("192.168.1.64")));
  EXPECT_FALSE(odd->Contains(*IpAddress::Parse("192.168.1.128")));

  auto v6 = IpNetwork::Parse("fd00::/8");
  EXPECT_TRUE(v6->Contains(*IpAddress::Parse("fd12::1")));
  EXPECT_TRUE(IpNetwork::Parse("0.0.0.0/0")->Contains(*IpAddress::Parse("8.8.8.8")));
}

TEST(IpNetworkTest, RefusesBadPrefixes) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "::/129", "10.0.0.0/8x", "x/8"}) {
    EXPECT_FALSE(IpNetwork::Parse(bad)) << bad;
  }
}

}  // namespace
}  // namespace citadel::core
