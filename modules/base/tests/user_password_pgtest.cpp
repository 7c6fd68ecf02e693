// res.users.password: clients write the password, the database keeps only
// its PBKDF2 hash; a planted hash is hashed too, an empty password clears.
#include <gtest/gtest.h>

#include "core/password_hasher.hpp"
#include "modules/base/tests/installed_base.hpp"
#include "orm/environment.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules::testing {
namespace {

std::string StoredPassword(db::Connection& connection, std::int64_t id) {
  auto r = connection.Execute("SELECT coalesce(password, '<null>') AS p FROM res_users WHERE id = $1", id);
  if (!r) throw std::runtime_error(r.error().message);
  return r->Text(0, "p");
}

TEST(UserPassword, StoredAsAPbkdf2HashNeverAsWritten) {
  AdminTransaction admin;
  db::Connection& connection = admin.connection();
  orm::RecordSet users = admin.Of("res.users");
  const std::int64_t id =
      users.Create(orm::Value::parse(R"({"name": "Pat", "login": "pat", "password": "correct horse"})")).at(0);

  const std::string stored = StoredPassword(connection, id);
  EXPECT_EQ(stored.rfind("$pbkdf2-sha512$600000$", 0), 0u) << stored;
  EXPECT_EQ(stored.find("correct horse"), std::string::npos);
  EXPECT_TRUE(core::PasswordHasher().Verify("correct horse", stored).matches);

  // A caller cannot plant a hash it knows the password of: it is hashed too.
  // 100 rounds: a hash of 128 characters, the longest password accepted.
  const std::string planted = core::PasswordHasher(100).Hash("planted");
  users.Browse({id}).Write({{"password", planted}});
  const std::string after = StoredPassword(connection, id);
  EXPECT_NE(after, planted);
  EXPECT_FALSE(core::PasswordHasher().Verify("planted", after).matches);
  EXPECT_TRUE(core::PasswordHasher().Verify(planted, after).matches);

  users.Browse({id}).Write({{"password", false}});
  EXPECT_EQ(StoredPassword(connection, id), "<null>");
}

TEST(UserPassword, HashedWithTheServersConfiguredRoundsWhenTheCallCarriesThem) {
  AdminTransaction admin;
  const core::PasswordHasher configured(1234);
  const orm::Environment env = admin.env().WithPasswordHasher(configured);  // outlives the record sets
  const orm::RecordSet users = orm::RecordSet::Of(env, "res.users");
  const std::int64_t id =
      users.Create(orm::Value::parse(R"({"name": "Lou", "login": "lou", "password": "staple horse"})")).at(0);
  const std::string stored = StoredPassword(admin.connection(), id);
  EXPECT_EQ(stored.rfind("$pbkdf2-sha512$1234$", 0), 0u) << stored;
  EXPECT_TRUE(configured.Verify("staple horse", stored).matches);
  users.Browse({id}).Write({{"password", "battery staple"}});
  EXPECT_EQ(StoredPassword(admin.connection(), id).rfind("$pbkdf2-sha512$1234$", 0), 0u);
}

}  // namespace
}  // namespace citadel::modules::testing
