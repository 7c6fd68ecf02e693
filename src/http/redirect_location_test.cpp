#include "http/redirect_location.hpp"

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(RedirectLocationTest, KeepsTheHostAndPathAndSwapsThePort) {
  EXPECT_EQ(BuildRedirectLocation("example.com:8080", "/web/login?next=%2F", 8443, "localhost"),
            "https://example.com:8443/web/login?next=%2F");
  EXPECT_EQ(BuildRedirectLocation("Example.COM", "/", 443, "localhost"), "https://example.com/");
}

TEST(RedirectLocationTest, IpLiteralsAreKept) {
  EXPECT_EQ(BuildRedirectLocation("127.0.0.1:8080", "/a", 8443, "localhost"),
            "https://127.0.0.1:8443/a");
  EXPECT_EQ(BuildRedirectLocation("[::1]:8080", "/a", 8443, "localhost"), "https://[::1]:8443/a");
  EXPECT_EQ(BuildRedirectLocation("[2001:DB8::1]", "/a", 443, "localhost"),
            "https://[2001:db8::1]/a");
}

TEST(RedirectLocationTest, AMissingHostFallsBackToThePublicHost) {
  EXPECT_EQ(BuildRedirectLocation(std::nullopt, "/x", 8443, "erp.example.com"),
            "https://erp.example.com:8443/x");
  EXPECT_EQ(BuildRedirectLocation("", "/x", 8443, "erp.example.com"),
            "https://erp.example.com:8443/x");
}

TEST(RedirectLocationTest, HostileHostHeadersAreNeverReflected) {
  const char* hostile[] = {
      "evil.com/path",        "evil.com@good.com",     "evil.com\r\nSet-Cookie: a=b",
      "evil.com:80:80",       "evil.com:abc",          "evil.com:123456",
      "-evil.com",            "evil-.com",             "ev il.com",
      "evil..com",            ".evil.com",             "[::1",
      "[::1]x",               "[127.0.0.1]",           "::1",
      "evil.com\\@good.com",  "<script>",              "evil.com%2f",
      "\xc3\xa9vil.com",      "a.b.c:",
  };
  for (const char* host : hostile) {
    EXPECT_EQ(BuildRedirectLocation(host, "/x", 8443, "erp.example.com"),
              "https://erp.example.com:8443/x")
        << host;
  }
  std::string long_label(64, 'a');
  EXPECT_EQ(BuildRedirectLocation(long_label + ".com", "/", 443, "erp.example.com"),
            "https://erp.example.com/");
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "abcd.";
  EXPECT_EQ(BuildRedirectLocation(long_name + "com", "/", 443, "erp.example.com"),
            "https://erp.example.com/");
}

TEST(RedirectLocationTest, AMisconfiguredPublicHostIsNotReflectedEither) {
  EXPECT_EQ(BuildRedirectLocation(std::nullopt, "/", 443, "bad host"), "https://localhost/");
}

TEST(RedirectLocationTest, OnlyOriginFormTargetsAreKept) {
  EXPECT_EQ(BuildRedirectLocation("a.example", "http://evil.com/", 443, "x"), "https://a.example/");
  EXPECT_EQ(BuildRedirectLocation("a.example", "//evil.com/", 443, "x"), "https://a.example/");
  EXPECT_EQ(BuildRedirectLocation("a.example", "/\\evil.com", 443, "x"), "https://a.example/");
  EXPECT_EQ(BuildRedirectLocation("a.example", "*", 443, "x"), "https://a.example/");
  EXPECT_EQ(BuildRedirectLocation("a.example", "/a\r\nb", 443, "x"), "https://a.example/");
}

TEST(RedirectLocationTest, HostNameRules) {
  EXPECT_TRUE(IsValidHostName("localhost"));
  EXPECT_TRUE(IsValidHostName("erp.example.com."));
  EXPECT_TRUE(IsValidHostName("xn--bcher-kva.example"));
  EXPECT_FALSE(IsValidHostName(""));
  EXPECT_FALSE(IsValidHostName("."));
  EXPECT_FALSE(IsValidHostName("a,DNS:evil.com"));
  EXPECT_FALSE(IsValidHostName("*.example.com"));
  EXPECT_FALSE(IsValidHostName("under_score.example"));
}

}  // namespace
}  // namespace citadel::http
