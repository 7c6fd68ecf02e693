// SupportScope: a grant's models, read-only grants, secrets and protected
// models, in and out of su.
#include "orm/support_scope.hpp"

#include <gtest/gtest.h>

namespace citadel::orm {
namespace {

TEST(SupportScope, AReadOnlyGrantReadsItsModelsOnlyAndWritesNothingEvenInSu) {
  const SupportScope scope{false, {"res.partner", "sale.order"}};
  EXPECT_FALSE(scope.Refusal("res.partner", false, false));
  EXPECT_TRUE(scope.Refusal("res.partner", true, false));
  EXPECT_TRUE(scope.Refusal("res.partner", true, true))
      << "no method writes on a read-only grant's behalf";
  EXPECT_TRUE(scope.Refusal("account.move", false, false));
  EXPECT_FALSE(scope.Refusal("res.country", false, true)) << "the ORM's own reads (display names)";
}

TEST(SupportScope, SecretsAreNeverReachedAndAccountsNeverChanged) {
  const SupportScope scope{
      true, {"res.users", "res.users.apikeys", "citadel.support.audit", "res.partner"}};
  EXPECT_FALSE(scope.Refusal("res.partner", true, false));
  EXPECT_TRUE(scope.Refusal("res.users.apikeys", false, false));
  EXPECT_TRUE(scope.Refusal("res.users.apikeys", false, true));
  EXPECT_TRUE(scope.Refusal("citadel.support.audit", false, false));
  const SupportScope backups{true, {"citadel.backup"}};
  EXPECT_TRUE(backups.Refusal("citadel.backup", false, false))
      << "a backup download holds every password hash";
  EXPECT_FALSE(scope.Refusal("res.users", false, false))
      << "users are readable (the password is write-only)";
  EXPECT_TRUE(scope.Refusal("res.users", true, false))
      << "an e-mail changed would take the account over";
  EXPECT_TRUE(scope.Refusal("ir.model.access", true, false));
}

}  // namespace
}  // namespace citadel::orm
