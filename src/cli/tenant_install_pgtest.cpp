// Tenant creation with the real modules (base, contacts) through the hooks
// the CLI passes to TenantService: the template gets the modules once, and
// a new tenant's database has them installed, with uid 2 = the admin whose
// password field holds the stored PBKDF2 hash of the password given.
#include <gtest/gtest.h>

#include "cli/installed_modules.hpp"
#include "core/password_hasher.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "orm/module_installer.hpp"

namespace citadel::cli {
namespace {

using db::testing::PgTestCluster;

std::string Scalar(db::Connection& c, db::SqlText sql) {
  auto r = c.Execute(sql);
  if (!r) return "error: " + r.error().message;
  if (r->rows() == 0) return "<none>";
  return std::string(r->Get(0, 0).value_or("<null>"));
}

TEST(TenantInstallPg, CreatedTenantHasTheModulesAndItsAdmin) {
  auto installed = LoadInstalledModules();
  ASSERT_TRUE(installed) << installed.error().message;
  platform::TenantServiceOptions options;
  options.data_dir = db::testing::PgTestDataDir();
  options.pbkdf2_rounds = 1000;
  options.modules = ModuleHooks(*installed);
  auto service = platform::TenantService::Open(PgTestCluster().Access(), options);
  ASSERT_TRUE(service) << service.error().message;

  auto tenant = (*service)->Create({"acme", "boss", "correct horse battery staple"});
  ASSERT_TRUE(tenant) << tenant.error().message;
  auto conn = (*service)->Acquire("acme");
  ASSERT_TRUE(conn) << conn.error().message;
  db::Connection& c = **conn;

  auto versions = orm::InstalledModuleVersions(c);
  ASSERT_TRUE(versions) << versions.error().message;
  EXPECT_EQ(*versions, orm::ModuleVersions((*installed)->modules)) << "base and contacts installed";
  EXPECT_EQ(Scalar(c, "SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'user_admin'"), "2");
  EXPECT_EQ(Scalar(c, "SELECT login FROM res_users WHERE id = 2"), "boss");
  const std::string hash = Scalar(c, "SELECT password FROM res_users WHERE id = 2");
  EXPECT_TRUE(core::PasswordHasher(1000).Verify("correct horse battery staple", hash).matches) << hash;
  EXPECT_EQ(Scalar(c, "SELECT login || ' ' || active::text FROM res_users WHERE id = 1"), "__system__ false");
  EXPECT_EQ(Scalar(c, "SELECT count(*) > 0 FROM ir_model_fields WHERE model = 'res.partner'"), "t");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                      "WHERE r.rolname = 'citadel_template'"),
            "0")
      << "everything the install made was handed to the tenant";

  // A second tenant is a clone: the same modules, its own admin.
  auto other = (*service)->Create({"globex", "admin", "another password"});
  ASSERT_TRUE(other) << other.error().message;
  auto c2 = (*service)->Acquire("globex");
  ASSERT_TRUE(c2);
  EXPECT_EQ(Scalar(**c2, "SELECT login FROM res_users WHERE id = 2"), "admin");
  EXPECT_TRUE(core::PasswordHasher(1000)
                  .Verify("another password", Scalar(**c2, "SELECT password FROM res_users WHERE id = 2"))
                  .matches);
}

}  // namespace
}  // namespace citadel::cli
