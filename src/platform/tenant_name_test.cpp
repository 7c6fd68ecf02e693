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

}  // namespace
}  // namespace citadel::platform
