#include "http/same_origin.hpp"

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(SameOrigin, NoOriginIsAScriptAndIsAccepted) {
  EXPECT_FALSE(IsForeignOrigin(std::nullopt, "erp.example.com"));
  EXPECT_FALSE(IsForeignOrigin(std::nullopt, std::nullopt));
}

TEST(SameOrigin, TheSiteItselfIsNotForeign) {
  EXPECT_FALSE(IsForeignOrigin("https://erp.example.com", "erp.example.com"));
  EXPECT_FALSE(IsForeignOrigin("https://ERP.example.com:443", "erp.example.com"));
  EXPECT_FALSE(IsForeignOrigin("https://localhost:8443", "localhost:8443"));
  EXPECT_FALSE(IsForeignOrigin("https://[::1]:8443", "[::1]:8443"));
}

TEST(SameOrigin, AnythingElseIsForeign) {
  EXPECT_TRUE(IsForeignOrigin("https://evil.example", "erp.example.com"));
  EXPECT_TRUE(IsForeignOrigin("https://erp.example.com.evil.example", "erp.example.com"));
  EXPECT_TRUE(IsForeignOrigin("http://erp.example.com", "erp.example.com")) << "another scheme";
  EXPECT_TRUE(IsForeignOrigin("https://localhost:8444", "localhost:8443")) << "another port";
  EXPECT_TRUE(IsForeignOrigin("null", "erp.example.com"));
  EXPECT_TRUE(IsForeignOrigin("https://erp.example.com/path", "erp.example.com"));
  EXPECT_TRUE(IsForeignOrigin("https://user@erp.example.com", "erp.example.com"));
  EXPECT_TRUE(IsForeignOrigin("https://erp.example.com", std::nullopt)) << "no Host to compare";
  EXPECT_TRUE(IsForeignOrigin("", "erp.example.com"));
}

}  // namespace
}  // namespace citadel::http
