// SecurityCache against a real database: loaded once per version of the
// rights, emptied by every kind of change AccessGuard reads (and only by
// those), never by a change that was rolled back or is not yet committed.
#include "orm/security_cache.hpp"

#include <gtest/gtest.h>

#include "orm/access_guard.hpp"
#include "orm/record_set_test_models.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm {
namespace {

using record_testing::RecordFixture;

void Exec(db::Connection& connection, db::SqlText sql) {
  auto r = connection.Execute(sql);
  ASSERT_TRUE(r) << r.error().message;
}

bool MayRead(RecordFixture& fx, std::int64_t uid) {
  return AccessGuard::HasModelAccess(fx.Env(uid), *fx.registry()->FindModel("res.partner"),
                                     Operation::kRead);
}

TEST(SecurityCachePg, LoadsOncePerVersionOfTheRights) {
  RecordFixture fx = RecordFixture::Make("security_cache_versions");
  fx.UseSecurityCache();
  const std::int64_t readers = fx.AddGroup("Readers");
  const std::int64_t user = fx.AddUser("u", {});
  EXPECT_FALSE(MayRead(fx, user));
  EXPECT_FALSE(MayRead(fx, user));
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), 1u);

  // Business data, a user's login, other external ids: not rights.
  Exec(fx.connection(), "INSERT INTO res_partner (name) VALUES ('Azure')");
  Exec(fx.connection(), "UPDATE res_users SET login = 'u2' WHERE login = 'u'");
  Exec(fx.connection(),
       "INSERT INTO ir_model_data (module, name, model, res_id) VALUES ('x', 'p', 'res.partner', 1)");
  EXPECT_FALSE(MayRead(fx, user));
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), 1u);

  fx.AddAccess("res.partner", readers, "r");
  EXPECT_FALSE(MayRead(fx, user));
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), 2u);
  Exec(fx.connection(), "INSERT INTO res_groups_users_rel (uid, gid) SELECT id, (SELECT max(id) FROM "
                        "res_groups) FROM res_users WHERE login = 'u2'");
  EXPECT_TRUE(MayRead(fx, user)) << "a new member of a group has its rights at the next call";
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), 3u);
  Exec(fx.connection(), "UPDATE ir_model_access SET active = false");
  EXPECT_FALSE(MayRead(fx, user)) << "an archived access line grants nothing";
  Exec(fx.connection(), "UPDATE ir_model_access SET active = true");
  Exec(fx.connection(), "DELETE FROM res_groups_users_rel");
  EXPECT_FALSE(MayRead(fx, user)) << "a member removed loses the rights at the next call";

  const std::uint64_t before = fx.security_cache()->snapshot_loads();
  const std::int64_t company = fx.AddCompany("Second");
  Exec(fx.connection(), "UPDATE res_users SET company_id = (SELECT max(id) FROM res_company)");
  EXPECT_EQ(AccessGuard::CurrentCompanyId(fx.Env(user)), company);
  Exec(fx.connection(), "INSERT INTO res_company_users_rel (user_id, cid) SELECT id, (SELECT max(id) "
                        "FROM res_company) FROM res_users WHERE login = 'u2'");
  EXPECT_EQ(AccessGuard::AllowedCompanyIds(fx.Env(user)), std::vector<std::int64_t>{company});
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), before + 2);
}

TEST(SecurityCachePg, ChangesRolledBackOrNotCommittedAreNotSeen) {
  RecordFixture fx = RecordFixture::Make("security_cache_transactions");
  fx.UseSecurityCache();
  const std::int64_t user = fx.AddUser("u", {});
  EXPECT_FALSE(MayRead(fx, user));

  Exec(fx.connection(), "BEGIN");
  fx.AddAccess("res.partner", 0, "r");
  Exec(fx.connection(), "ROLLBACK");
  EXPECT_FALSE(MayRead(fx, user));
  EXPECT_EQ(fx.security_cache()->snapshot_loads(), 1u) << "a rolled back change keeps the version";

  db::Connection other = schema_testing::Connect("security_cache_transactions");
  Exec(other, "BEGIN");
  Exec(other, "INSERT INTO ir_model_access (name, model_id, perm_read, active) SELECT 'all', id, true, true FROM "
              "ir_model WHERE model = 'res.partner'");
  EXPECT_FALSE(MayRead(fx, user)) << "another call's change counts once it is committed";
  Exec(other, "COMMIT");
  EXPECT_TRUE(MayRead(fx, user));
}

TEST(SecurityCachePg, FieldGroupsFollowTheGroupsExternalIds) {
  RecordFixture fx = RecordFixture::Make("security_cache_field_groups");
  fx.UseSecurityCache();
  const std::int64_t settings = fx.AddGroup("Settings");
  const std::int64_t user = fx.AddUser("u", {settings});
  const Model& partner = *fx.registry()->FindModel("res.partner");
  const Field& note = *partner.FindField("internal_note");  // groups: base.group_system
  EXPECT_FALSE(AccessGuard::InFieldGroups(fx.Env(user), note));
  Exec(fx.connection(), "INSERT INTO ir_model_data (module, name, model, res_id) SELECT 'base', "
                        "'group_system', 'res.groups', max(id) FROM res_groups");
  EXPECT_TRUE(AccessGuard::InFieldGroups(fx.Env(user), note));
}

}  // namespace
}  // namespace citadel::orm
