// The password policy on res.users.password (modules/base/password_policy.hpp):
// the tenant's minimum length, at most 128 characters, nothing easy to guess,
// errors that state the rule, and a refused password changes nothing.
#include "modules/base/password_policy.hpp"

#include <gtest/gtest.h>

#include "modules/base/tests/installed_base.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {
namespace {

using base::ReadPasswordPolicy;

// The UserError's text of creating a user with `password`, or "" when accepted.
std::string Refusal(orm::RecordSet users, const std::string& login, const std::string& password) {
  try {
    users.Create(orm::Value{{"name", "Alice Martin"}, {"login", login}, {"password", password}});
  } catch (const orm::UserError& error) {
    return error.what();
  }
  return "";
}

TEST(PasswordPolicy, LengthAndGuessabilityAreTheOnlyRules) {
  AdminTransaction admin;
  orm::RecordSet users = admin.Of("res.users");

  EXPECT_EQ(Refusal(users, "a1", "short7!"), "Passwords must have at least 8 characters, got 7.");
  EXPECT_EQ(Refusal(users, "a2", "ééééééé"), "Passwords must have at least 8 characters, got 7.")
      << "characters are counted, not bytes";
  int attempt = 0;
  for (const char* common : {"password", "P@ssw0rd", "qwertyuiop", "iloveyou123", "19871201",
                             "12345678", "aaaaaaaaaa", "trustno1", "alice2024", "martin123"}) {
    const std::string refusal = Refusal(users, "alice" + std::to_string(attempt++), common);
    EXPECT_NE(refusal.find("too easy to guess"), std::string::npos) << common << ": " << refusal;
    EXPECT_NE(refusal.find("at least 8 characters is accepted"), std::string::npos) << refusal;
  }
  // No composition rules: lowercase words with spaces, or no digit, are fine.
  EXPECT_EQ(Refusal(users, "b1", "correct horse battery staple"), "");
  EXPECT_EQ(Refusal(users, "b2", "bluebanana7"), "");
  EXPECT_EQ(Refusal(users, "b3", "mxkqzpvr"), "");
  std::string longest;
  for (int i = 0; longest.size() < 128; ++i) longest += "qzj" + std::to_string(i * 7919 % 1000);
  longest.resize(128);
  EXPECT_EQ(Refusal(users, "b4", longest), "") << "128 characters, whole";
  EXPECT_EQ(Refusal(users, "b5", longest + "x"), "Passwords must have at most 128 characters, got 129.")
      << "never truncated: refused";
}

TEST(PasswordPolicy, TheAdminSetsTheMinimumLengthAndARefusalChangesNothing) {
  AdminTransaction admin;
  db::Connection& connection = admin.connection();
  orm::RecordSet users = admin.Of("res.users");
  const std::int64_t id = users.Create(orm::Value::parse(
      R"({"name": "Pat", "login": "pat", "password": "correct horse battery"})")).at(0);
  auto stored = [&] {
    auto r = connection.Execute("SELECT password FROM res_users WHERE id = $1", id);
    return r->Text(0, "password");
  };
  const std::string before = stored();

  admin.Of("ir.config_parameter")
      .Create(orm::Value{{"key", "auth_password_policy.minlength"}, {"value", "12"}});
  EXPECT_EQ(ReadPasswordPolicy(connection).min_length, 12);
  ASSERT_TRUE(connection.Execute("SAVEPOINT refused"));
  EXPECT_THROW(users.Browse({id}).Write({{"password", "bluebanana7"}}), orm::UserError);
  ASSERT_TRUE(connection.Execute("ROLLBACK TO SAVEPOINT refused"));
  EXPECT_EQ(stored(), before);
  users.Browse({id}).Write({{"password", "bluebanana7 split"}});
  EXPECT_NE(stored(), before);

  ASSERT_TRUE(connection.Execute(
      "UPDATE ir_config_parameter SET value = '100000' WHERE key = 'auth_password_policy.minlength'"));
  EXPECT_EQ(ReadPasswordPolicy(connection).min_length, 128) << "clamped to what is accepted";
  ASSERT_TRUE(connection.Execute(
      "UPDATE ir_config_parameter SET value = 'eight' WHERE key = 'auth_password_policy.minlength'"));
  EXPECT_EQ(ReadPasswordPolicy(connection).min_length, 8) << "malformed: the default";
}

}  // namespace
}  // namespace citadel::modules::testing
