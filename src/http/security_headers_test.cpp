#include "http/security_headers.hpp"

#include <map>

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(SecurityHeadersTest, NamesEveryHardeningHeader) {
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : SecurityHeaders(31'536'000)) headers[name] = value;
  EXPECT_EQ(headers["Strict-Transport-Security"], "max-age=31536000; includeSubDomains");
  EXPECT_EQ(headers["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(headers["X-Frame-Options"], "DENY");
  EXPECT_EQ(headers["Referrer-Policy"], "strict-origin-when-cross-origin");
  EXPECT_EQ(headers["Content-Security-Policy"],
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  EXPECT_EQ(headers["Cross-Origin-Opener-Policy"], "same-origin");
}

TEST(SecurityHeadersTest, HstsMaxAgeComesFromConfig) {
  EXPECT_EQ(SecurityHeaders(600).front().second, "max-age=600; includeSubDomains");
  EXPECT_EQ(SecurityHeaders(-5).front().second, "max-age=0; includeSubDomains");
}

}  // namespace
}  // namespace citadel::http
