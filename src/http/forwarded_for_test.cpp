#include "http/forwarded_for.hpp"

#include <gtest/gtest.h>

#include "http/test_ip_address.hpp"

namespace citadel::http {
namespace {

using testing::Ip;

const std::vector<core::IpNetwork> kProxies = {*core::IpNetwork::Parse("10.0.0.0/8"),
                                               *core::IpNetwork::Parse("fd00::/8")};

TEST(ForwardedForTest, AnUntrustedPeerIsTheClientWhateverItClaims) {
  EXPECT_EQ(ResolveClientIp(Ip("198.51.100.7"), {"203.0.113.1"}, kProxies), Ip("198.51.100.7"));
}

TEST(ForwardedForTest, NoProxiesConfiguredMeansTheHeaderIsIgnored) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"203.0.113.1"}, {}), Ip("10.0.0.5"));
}

TEST(ForwardedForTest, ATrustedPeerNamesTheClient) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"203.0.113.1"}, kProxies), Ip("203.0.113.1"));
}

TEST(ForwardedForTest, TheClientIsTheRightmostUntrustedEntry) {
  // The client forged "1.2.3.4"; proxy 10.0.0.9 saw 203.0.113.1 and appended it.
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"1.2.3.4, 203.0.113.1, 10.0.0.9"}, kProxies),
            Ip("203.0.113.1"));
}

TEST(ForwardedForTest, SeveralHeadersReadAsOneList) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"1.2.3.4", "203.0.113.1, 10.0.0.9"}, kProxies),
            Ip("203.0.113.1"));
}

TEST(ForwardedForTest, PortsAndBracketsAreUnderstood) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"203.0.113.1:4711"}, kProxies), Ip("203.0.113.1"));
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"[2001:db8::7]:4711"}, kProxies), Ip("2001:db8::7"));
  EXPECT_EQ(ResolveClientIp(Ip("fd00::1"), {" 2001:db8::7 "}, kProxies), Ip("2001:db8::7"));
}

TEST(ForwardedForTest, AMalformedEntryStopsAtTheNearestTrustedHop) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"203.0.113.1, garbage, 10.0.0.9"}, kProxies),
            Ip("10.0.0.9"));
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"<script>"}, kProxies), Ip("10.0.0.5"));
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {""}, kProxies), Ip("10.0.0.5"));
}

TEST(ForwardedForTest, AllTrustedMeansTheLeftmostHop) {
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {"10.0.0.7, 10.0.0.9"}, kProxies), Ip("10.0.0.7"));
  EXPECT_EQ(ResolveClientIp(Ip("10.0.0.5"), {}, kProxies), Ip("10.0.0.5"));
}

}  // namespace
}  // namespace citadel::http
