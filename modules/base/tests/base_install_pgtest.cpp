// base + contacts installed by the real installer into a fresh database:
// Odoo's ids (uid 1 the archived superuser, uid 2 admin), the main company,
// groups with their implied groups stored, reference data from iso-codes
// (countries, states, active currencies), rules as JSON with variables.
#include <gtest/gtest.h>

#include "modules/base/tests/installed_base.hpp"
#include "orm/record_set.hpp"

namespace citadel::modules {
namespace {

using testing::Connect;
using testing::InstalledBaseAndContacts;
using testing::Ref;
using testing::Scalar;


TEST(BaseInstall, OdooIdsAndAdmin) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  EXPECT_EQ(Ref(c, "base.user_root"), 1);
  EXPECT_EQ(Ref(c, "base.user_admin"), 2);
  EXPECT_EQ(Ref(c, "base.main_company"), 1);
  EXPECT_EQ(Ref(c, "base.main_partner"), 1);
  EXPECT_EQ(Scalar(c, "SELECT login || ':' || active FROM res_users WHERE id = 1"), "__system__:false");
  EXPECT_EQ(Scalar(c, "SELECT login || ':' || active || ':' || share FROM res_users WHERE id = 2"),
            "admin:true:false");
  EXPECT_EQ(Scalar(c, "SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id "
                      "WHERE u.id = 2"),
            "Administrator");
  // Implied groups are stored: admin is in group_system, so in erp_manager,
  // user and no_one.
  for (const char* group : {"base.group_system", "base.group_erp_manager", "base.group_user",
                            "base.group_no_one", "base.group_partner_manager"}) {
    auto r = c.Execute("SELECT 1 FROM res_groups_users_rel WHERE uid = 2 AND gid = $1",
                       Ref(c, group));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rows(), 1) << group;
  }
  EXPECT_EQ(Scalar(c, "SELECT share::text FROM res_users WHERE login = 'public'"), "true");
  EXPECT_EQ(Scalar(c, "SELECT string_agg(cid::text, ',') FROM res_company_users_rel WHERE user_id = 2"),
            "1");
  EXPECT_EQ(Scalar(c, "SELECT state || ' ' || latest_version FROM ir_module_module WHERE name = 'base'"),
            "installed " + BaseModule().manifest.version);
}

TEST(BaseInstall, ReferenceDataFromIsoCodes) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  EXPECT_GE(std::stoi(Scalar(c, "SELECT count(*) FROM res_country")), 240);
  EXPECT_EQ(Scalar(c, "SELECT string_agg(name, ',' ORDER BY name) FROM res_currency WHERE active"),
            "EUR,USD");
  const std::int64_t us = Ref(c, "base.us");
  ASSERT_GT(us, 0);
  auto states = c.Execute("SELECT count(*) AS n FROM res_country_state WHERE country_id = $1", us);
  ASSERT_TRUE(states);
  EXPECT_GE(std::stoi(states->Text(0, "n")), 50);
  EXPECT_EQ(Scalar(c, "SELECT c.code || ' ' || s.name FROM ir_model_data d JOIN res_country_state "
                      "s ON s.id = d.res_id JOIN res_country c ON c.id = s.country_id WHERE "
                      "d.module = 'base' AND d.name = 'state_us_ca'"),
            "US California");
  EXPECT_EQ(Scalar(c, "SELECT c.name FROM res_company co JOIN res_currency c ON c.id = "
                      "co.currency_id WHERE co.id = 1"),
            "USD");
}

TEST(BaseInstall, RulesAreJsonWithVariables) {
  const auto& installed = InstalledBaseAndContacts();
  db::Connection c = Connect(installed);
  EXPECT_EQ(Scalar(c, "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d ON d.res_id = "
                      "r.id AND d.model = 'ir.rule' WHERE d.name = 'res_users_rule'"),
            R"(["|",["share","=",false],["company_ids","in",{"var":"company_ids"}]])");
  // 49 + citadel.backup's + citadel.support.grant's and citadel.support.audit's
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_access"), "52");
}

}  // namespace
}  // namespace citadel::modules
