// Environment without a database: Sudo() copies, context defaults, model
// lookup errors.
#include "orm/environment.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm {
namespace {

std::shared_ptr<const Registry> Unowned() {
  // The test registry lives for the whole binary; share it without owning.
  return std::shared_ptr<const Registry>(&testing::DomainTestRegistry(), [](const Registry*) {});
}

TEST(Environment, SudoIsACopyAndLeavesTheOriginalAlone) {
  db::Connection connection;
  Environment env(Unowned(), connection, 7, Value{{"lang", "en_US"}});
  Environment sudo = env.Sudo();
  EXPECT_FALSE(env.su());
  EXPECT_TRUE(sudo.su());
  EXPECT_EQ(sudo.uid(), 7);
  EXPECT_EQ(sudo.context()["lang"], "en_US");
}

TEST(Environment, ActiveTestDefaultsToTrue) {
  db::Connection connection;
  Environment env(Unowned(), connection, 1);
  EXPECT_TRUE(env.active_test());
  EXPECT_FALSE(env.WithContext(Value{{"active_test", false}}).active_test());
  EXPECT_TRUE(env.WithContext(Value::array()).context().is_object());
}

TEST(Environment, UnknownModelIsAValidationError) {
  db::Connection connection;
  Environment env(Unowned(), connection, 1);
  EXPECT_EQ(&env.GetModel("res.partner"), &testing::TestPartner());
  EXPECT_THROW(env.GetModel("res.nope"), ValidationError);
}

}  // namespace
}  // namespace citadel::orm
