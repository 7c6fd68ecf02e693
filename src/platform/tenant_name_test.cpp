// Tenant name rules.
#include "platform/tenant_name.hpp"

#include <gtest/gtest.h>

namespace citadel::platform {
namespace {

TEST(TenantName, AcceptsDnsLabels) {
  for (const char* name : {"alpha", "a", "9lives", "acme-corp", "demo", "x1-2-3",
                           "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"}) {
    EXPECT_EQ(TenantNameProblem(name), std::nullopt) << name;
  }
}

TEST(TenantName, RefusesBadShapes) {
  for (const char* name : {"", "-abc", "abc-", "Alpha", "a_b", "a.b", "a b", "ä", "a;drop",
                           "a'b", "t\n"}) {
    EXPECT_NE(TenantNameProblem(name), std::nullopt) << name;
  }
  EXPECT_NE(TenantNameProblem(std::string(64, 'a')), std::nullopt);
  EXPECT_EQ(TenantNameProblem(std::string(63, 'a')), std::nullopt);
  EXPECT_NE(TenantNameProblem(std::string_view("a\0b", 3)), std::nullopt);
}

TEST(TenantName, RefusesReservedNamesButNotDemo) {
  for (const char* name : {"www", "api", "admin", "catalog", "template", "postgres", "citadel",
                           "mail", "static", "metrics", "health", "localhost"}) {
    auto problem = TenantNameProblem(name);
    ASSERT_NE(problem, std::nullopt) << name;
    EXPECT_NE(problem->find("reserved"), std::string::npos);
  }
  EXPECT_FALSE(IsReservedTenantName("demo"));
}

TEST(TenantOfHost, TheOneLabelUnderTheTenantDomain) {
  const std::string domain = "Erp.Example.com";
  EXPECT_EQ(TenantOfHost(std::string("acme.erp.example.com"), domain), "acme");
  EXPECT_EQ(TenantOfHost(std::string("ACME.erp.example.COM:8443"), domain), "acme");
  for (const char* host : {"erp.example.com", ".erp.example.com", "a.b.erp.example.com", "acme.example.org",
                           "acmeerp.example.com", "[::1]:8443", "127.0.0.1:8443", "", "x_y.erp.example.com",
                           "www.erp.example.com", "-a.erp.example.com"}) {
    EXPECT_EQ(TenantOfHost(std::string(host), domain), std::nullopt) << host;
  }
  EXPECT_EQ(TenantOfHost(std::nullopt, domain), std::nullopt);
  EXPECT_EQ(TenantOfHost(std::string("acme.erp.example.com"), ""), std::nullopt);  // no domain set
}

}  // namespace
}  // namespace citadel::platform
