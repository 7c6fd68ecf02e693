// The installer against a real PostgreSQL, with small modules made in the
// test (install_test_modules.hpp): fresh install (tables, metadata, data,
// external ids, refs), a second run that changes nothing, an upgrade that
// adds a column and a record and keeps noupdate records as edited (and makes
// again one deleted through the ORM, whose xml id went with it), and
// failures that name the module, file, record and ref and leave the
// database as it was.
#include "orm/module_installer.hpp"

#include <gtest/gtest.h>

#include "orm/install_test_modules.hpp"
#include "orm/record_set.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm {
namespace {

using install_testing::TestModules;
using schema_testing::Columns;
using schema_testing::FreshDatabase;

std::string Scalar(db::Connection& c, db::SqlText sql) {
  auto r = c.Execute(sql);
  if (!r) throw std::runtime_error(r.error().message);
  if (r->rows() == 0) return "<none>";
  auto v = r->Get(0, 0);
  return v ? std::string(*v) : "<null>";
}

InstallReport MustInstall(db::Connection& c, const ModuleSet& modules, InstallOptions options = {}) {
  auto report = InstallModules(c, modules, options);
  if (!report) throw std::runtime_error("install failed: " + report.error().message);
  return std::move(*report);
}

const ModuleInstallReport& Of(const InstallReport& report, const std::string& name) {
  for (const auto& m : report.modules) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no report for " + name);
}

// Everything an install can change in the data, as one text: every row of
// every table of the test modules, write dates included.
std::string DataFingerprint(db::Connection& c) {
  return Scalar(c,
                "SELECT string_agg(t, '|' ORDER BY t) FROM ("
                "SELECT 'd' || d::text AS t FROM ir_model_data d UNION ALL "
                "SELECT 'm' || m::text FROM ir_model m UNION ALL "
                "SELECT 'f' || f::text FROM ir_model_fields f UNION ALL "
                "SELECT 'g' || g::text FROM ir_model_fields_group_rel g UNION ALL "
                "SELECT 'mm' || mm::text FROM ir_module_module mm UNION ALL "
                "SELECT 'x' || x::text FROM x_tag x UNION ALL "
                "SELECT 'u' || u::text FROM res_users u UNION ALL "
                "SELECT 'a' || a::text FROM ir_model_access a UNION ALL "
                "SELECT 'r' || r::text FROM ir_rule r UNION ALL "
                "SELECT 'rg' || rg::text FROM rule_group_rel rg) s");
}

TEST(ModuleInstallerPg, FreshInstallCreatesSchemaMetadataAndData) {
  db::Connection c = FreshDatabase("install_fresh");
  InstallReport report = MustInstall(c, TestModules(1));
  EXPECT_TRUE(report.changed());
  EXPECT_EQ(Of(report, "base").version_before, "");
  EXPECT_EQ(Of(report, "shop").version_after, "18.0.1.0");
  EXPECT_EQ(Of(report, "shop").created, 6) << "4 tags (with the generated one), 1 access, 1 rule";
  EXPECT_EQ(DescribeInstall(report).substr(0, 19), "base new 18.0.1.0, ");

  // Tables, and the log-access foreign keys added after the data.
  EXPECT_TRUE(Columns(c, "x_tag").contains("parent_id"));
  EXPECT_FALSE(Columns(c, "x_tag").contains("code"));
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'x_tag'::regclass "
                      "AND contype = 'f' AND conname LIKE '%create_uid%'"),
            "1");

  // Odoo's ids: the superuser is 1, admin 2.
  EXPECT_EQ(Scalar(c, "SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'user_root'"), "1");
  EXPECT_EQ(Scalar(c, "SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'user_admin'"), "2");
  EXPECT_EQ(Scalar(c, "SELECT active FROM res_users WHERE id = 1"), "f");
  EXPECT_EQ(Scalar(c, "SELECT create_uid FROM x_tag WHERE name = 'Root'"), "1");

  // Metadata rows with their external ids.
  EXPECT_EQ(Scalar(c, "SELECT state || ' ' || latest_version || ' ' || shortdesc FROM ir_module_module "
                      "WHERE name = 'shop'"),
            "installed 18.0.1.0 Shop");
  EXPECT_EQ(Scalar(c, "SELECT m.name || '|' || m.\"order\" || '|' || m.modules || '|' || m.state FROM "
                      "ir_model m JOIN ir_model_data d ON d.res_id = m.id AND d.model = 'ir.model' "
                      "WHERE d.module = 'shop' AND d.name = 'model_x_tag'"),
            "Tag|name, id|shop|base");
  EXPECT_EQ(Scalar(c, "SELECT f.ttype || '|' || f.relation || '|' || f.on_delete || '|' || m.model FROM "
                      "ir_model_fields f JOIN ir_model m ON m.id = f.model_id JOIN ir_model_data d "
                      "ON d.res_id = f.id AND d.model = 'ir.model.fields' "
                      "WHERE d.module = 'shop' AND d.name = 'field_x_tag__parent_id'"),
            "many2one|x.tag|set null|x.tag");
  EXPECT_EQ(Scalar(c, "SELECT f.relation_table || '|' || f.column1 || '|' || f.column2 FROM "
                      "ir_model_fields f WHERE f.model = 'res.users' AND f.name = 'groups_id'"),
            "res_groups_users_rel|uid|gid");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_fields WHERE model = 'x.tag'"), "12")
      << "6 declared + 6 automatic";
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_fields_group_rel gr JOIN ir_model_fields f ON "
                      "f.id = gr.field_id WHERE f.model = 'x.tag' AND f.name = 'internal_note'"),
            "1");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_data WHERE model = 'ir.model.fields'"),
            Scalar(c, "SELECT count(*) FROM ir_model_fields"));

  // Refs resolved through ir.model.data.
  EXPECT_EQ(Scalar(c, "SELECT p.name FROM x_tag t JOIN x_tag p ON p.id = t.parent_id WHERE t.name = 'B'"),
            "Root");
  EXPECT_EQ(Scalar(c, "SELECT user_id FROM x_tag WHERE name = 'B'"), "2");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM res_groups_users_rel WHERE uid = 2"), "1");
  EXPECT_EQ(Scalar(c, "SELECT color FROM x_tag WHERE name = 'A'"), "7") << "defaults apply";
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name = 'Generated'"), "1");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name = 'Demo'"), "0") << "no demo unless asked";

  // Access rights and rules as the access guard reads them.
  EXPECT_EQ(Scalar(c, "SELECT a.perm_read::text || a.perm_unlink::text || g.name FROM ir_model_access a "
                      "JOIN ir_model m ON m.id = a.model_id JOIN res_groups g ON g.id = a.group_id "
                      "WHERE m.model = 'x.tag'"),
            "truefalseEmployee");
  EXPECT_EQ(Scalar(c, "SELECT r.domain_force || '|' || r.perm_unlink::text || '|' || g.name FROM ir_rule r "
                      "JOIN ir_model m ON m.id = r.model_id JOIN rule_group_rel rg ON rg.rule_group_id = r.id "
                      "JOIN res_groups g ON g.id = rg.group_id WHERE m.model = 'x.tag'"),
            R"(["|",["user_id","=",{"var":"user.id"}],["user_id","=",false]]|false|Employee)")
      << "rule variables are kept for the access guard";
}

TEST(ModuleInstallerPg, InstallingTwiceChangesNothing) {
  db::Connection c = FreshDatabase("install_twice");
  MustInstall(c, TestModules(1));
  const std::string schema = schema_testing::Fingerprint(c);
  const std::string data = DataFingerprint(c);
  InstallReport again = MustInstall(c, TestModules(1));
  EXPECT_FALSE(again.changed());
  EXPECT_TRUE(Of(again, "base").skipped);
  EXPECT_TRUE(Of(again, "shop").skipped);
  EXPECT_EQ(DescribeInstall(again), "already up to date");
  EXPECT_EQ(schema_testing::Fingerprint(c), schema);
  EXPECT_EQ(DataFingerprint(c), data);
}

TEST(ModuleInstallerPg, DemoDataWhenAsked) {
  db::Connection c = FreshDatabase("install_demo");
  InstallOptions options;
  options.demo = true;
  MustInstall(c, TestModules(1), options);
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name = 'Demo'"), "1");
}

// RecordSet::Unlink deletes the record's external id, as Odoo's unlink, so the
// upgrade finds no xml id and creates the noupdate record again, as Odoo's
// convert.py does (forcecreate defaults to true).
TEST(ModuleInstallerPg, UpgradeCreatesAgainANoupdateRecordDeletedThroughTheOrm) {
  db::Connection c = FreshDatabase("install_upgrade_deleted");
  const ModuleSet v1 = TestModules(1);
  MustInstall(c, v1);
  auto registry = v1.BuildRegistry();
  ASSERT_TRUE(registry) << registry.error().message;
  const std::string tag_a = Scalar(c, "SELECT res_id FROM ir_model_data WHERE name = 'tag_a'");
  {
    const Environment su = Environment(*registry, c, 1).Sudo();
    RecordSet::Of(su, "x.tag").Browse({std::stoll(tag_a)}).Unlink();
  }
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_data WHERE name = 'tag_a'"), "0");

  const InstallReport report = MustInstall(c, TestModules(2));  // kept: Of() refers into it
  const ModuleInstallReport& shop = Of(report, "shop");
  EXPECT_EQ(shop.kept, 0);
  EXPECT_EQ(shop.created, 2) << "tag_a again, and tag_c";
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name = 'A v2'"), "1");
  EXPECT_NE(Scalar(c, "SELECT res_id FROM ir_model_data WHERE name = 'tag_a'"), tag_a);
}

TEST(ModuleInstallerPg, UpgradeAddsColumnAndRecordAndKeepsNoupdateRecords) {
  db::Connection c = FreshDatabase("install_upgrade");
  MustInstall(c, TestModules(1));
  // The customer edits a noupdate record and a regular one.
  ASSERT_TRUE(c.Execute("UPDATE x_tag SET name = 'Mine' WHERE name = 'A'"));
  ASSERT_TRUE(c.Execute("UPDATE x_tag SET color = 99 WHERE name = 'B'"));
  const std::string admin_password = Scalar(c, "SELECT password FROM res_users WHERE id = 2");

  InstallReport report = MustInstall(c, TestModules(2));
  const ModuleInstallReport& shop = Of(report, "shop");
  EXPECT_EQ(shop.version_before, "18.0.1.0");
  EXPECT_EQ(shop.version_after, "18.0.2.0");
  EXPECT_EQ(shop.created, 1) << "tag_c";
  EXPECT_EQ(shop.updated, 1) << "tag_b's name";
  EXPECT_EQ(shop.kept, 1) << "tag_a is noupdate";
  EXPECT_TRUE(Of(report, "base").skipped) << "base is at its version";
  EXPECT_NE(DescribeInstall(report).find("shop 18.0.1.0 -> 18.0.2.0, 1 record created, 1 updated"),
            std::string::npos)
      << DescribeInstall(report);

  EXPECT_TRUE(Columns(c, "x_tag").contains("code"));
  EXPECT_TRUE(Columns(c, "res_users").contains("shop_nickname")) << "an extension's column";
  EXPECT_EQ(Scalar(c, "SELECT code FROM x_tag WHERE name = 'C'"), "c-1");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name = 'Mine'"), "1") << "noupdate: as edited";
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name LIKE 'A%'"), "0");
  EXPECT_EQ(Scalar(c, "SELECT name || ' ' || color FROM x_tag WHERE name LIKE 'B%'"), "B v2 99")
      << "the file's values; a field the file does not set stays as edited";
  EXPECT_EQ(Scalar(c, "SELECT password FROM res_users WHERE id = 2"), admin_password);
  EXPECT_EQ(Scalar(c, "SELECT latest_version FROM ir_module_module WHERE name = 'shop'"), "18.0.2.0");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM ir_model_fields WHERE model = 'x.tag' AND name = 'code'"), "1");
  EXPECT_EQ(Scalar(c, "SELECT string_agg(d.module || '.' || d.name, ',' ORDER BY d.module) FROM "
                      "ir_model_data d JOIN ir_model m ON m.id = d.res_id WHERE d.model = 'ir.model' "
                      "AND m.model = 'res.users'"),
            "base.model_res_users,shop.model_res_users")
      << "an extending module gets its own xml id for the model";
  EXPECT_EQ(Scalar(c, "SELECT modules FROM ir_model WHERE model = 'res.users'"), "base, shop");

  const std::string data = DataFingerprint(c);
  EXPECT_FALSE(MustInstall(c, TestModules(2)).changed());
  EXPECT_EQ(DataFingerprint(c), data);
}

// Odoo's _auto_init marks a new stored compute for every existing row and
// init_models flushes it: the rows the data files never touch get values too.
// 2,500 rows made in SQL span three of the installer's batches.
TEST(ModuleInstallerPg, UpgradeComputesNewStoredFieldsOnEveryExistingRow) {
  db::Connection c = FreshDatabase("install_upgrade_compute");
  MustInstall(c, TestModules(2));
  ASSERT_TRUE(c.Execute("INSERT INTO x_tag (name, user_id) SELECT 'bulk ' || g, CASE WHEN g % 2 = 0 THEN 2 END "
                        "FROM generate_series(1, 2500) g"));
  const std::string rows = Scalar(c, "SELECT count(*) FROM x_tag");
  const std::string admins = Scalar(c, "SELECT count(*) FROM x_tag WHERE user_id = 2");
  ASSERT_GT(std::stoi(admins), 1000);

  const InstallReport report = MustInstall(c, TestModules(3));
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE name_length IS DISTINCT FROM length(name)"), "0");
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE user_login = 'admin'"), admins);
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM x_tag WHERE user_login IS NOT NULL"), admins);
  ASSERT_EQ(report.computed.size(), 1u);
  EXPECT_NE(report.computed[0].find("x.tag "), std::string::npos) << report.computed[0];
  EXPECT_NE(report.computed[0].find("name_length"), std::string::npos) << report.computed[0];
  EXPECT_NE(report.computed[0].find("user_login"), std::string::npos) << report.computed[0];
  EXPECT_NE(report.computed[0].find(" on " + rows + " records"), std::string::npos) << report.computed[0];
  EXPECT_NE(DescribeInstall(report).find("computed x.tag "), std::string::npos) << DescribeInstall(report);

  // And the engine keeps them right afterwards, as any stored compute.
  auto registry = TestModules(3).BuildRegistry();
  ASSERT_TRUE(registry) << registry.error().message;
  const Environment su = Environment(*registry, c, 1).Sudo();
  const std::int64_t first = std::stoll(Scalar(c, "SELECT min(id) FROM x_tag WHERE name LIKE 'bulk%'"));
  RecordSet::Of(su, "x.tag").Browse({first}).Write({{"name", "renamed"}});
  EXPECT_EQ(Scalar(c, "SELECT name_length FROM x_tag WHERE name = 'renamed'"), "7");
}

// A schema step the data refuses does not fail the upgrade (Odoo warns and
// goes on) but is reported in the final report, and only while it is true:
// refused before the data loaded and allowed after it is no warning.
TEST(ModuleInstallerPg, UpgradeReportsTheConstraintItsDataRefusesAndCommitsTheRest) {
  db::Connection c = FreshDatabase("install_upgrade_refused");
  MustInstall(c, TestModules(2));
  // tag_b's duplicate goes when v3's file gives it code b-3; the two rows
  // made here stay duplicates.
  ASSERT_TRUE(c.Execute("UPDATE x_tag SET code = 'b-dup' WHERE name IN ('Root', 'B v2')"));
  ASSERT_TRUE(c.Execute("INSERT INTO x_tag (name, code) VALUES ('X1', 'dup'), ('X2', 'dup')"));
  ASSERT_TRUE(c.Execute("ALTER TABLE x_tag ADD COLUMN legacy varchar"));
  ASSERT_TRUE(c.Execute("UPDATE x_tag SET legacy = 'kept'"));

  const InstallReport refused = MustInstall(c, TestModules(3));
  EXPECT_FALSE(refused.schema.complete());
  EXPECT_EQ(refused.schema.not_applied,
            std::vector<std::string>{"add constraint x_tag_code_uniq unique(code) on x_tag"});
  EXPECT_TRUE(schema_testing::Contains(
      refused.schema.warnings, "not applied: add constraint x_tag_code_uniq unique(code) on x_tag: SQLSTATE 23505"));
  EXPECT_TRUE(schema_testing::Contains(refused.schema.warnings,
                                       "x_tag.legacy is stored by no field of x.tag: kept with its data"));
  EXPECT_EQ(refused.schema.warnings.size(), 2u) << "each once, though both passes planned them";
  EXPECT_EQ(Scalar(c, "SELECT latest_version FROM ir_module_module WHERE name = 'shop'"), "18.0.3.0")
      << "the rest of the upgrade is committed";
  EXPECT_EQ(Scalar(c, "SELECT code FROM x_tag WHERE name = 'B v2'"), "b-3");

  ASSERT_TRUE(c.Execute("DELETE FROM x_tag WHERE name = 'X2'"));
  const InstallReport allowed = MustInstall(c, TestModules(3));
  EXPECT_TRUE(allowed.schema.complete());
  EXPECT_EQ(allowed.schema.applied,
            std::vector<std::string>{"add constraint x_tag_code_uniq unique(code) on x_tag"});
  EXPECT_EQ(DescribeInstall(allowed), "schema: 1 change applied");
  EXPECT_FALSE(c.Execute("INSERT INTO x_tag (name, code) VALUES ('X3', 'dup')")) << "enforced now";
}

// The first pass refuses the constraint (tag_b and Root share a code), the
// data load gives tag_b its own, the second pass applies it: no warning
// is left of the first pass.
TEST(ModuleInstallerPg, ConstraintAllowedOnceTheDataLoadedLeavesNoWarning) {
  db::Connection c = FreshDatabase("install_upgrade_allowed");
  MustInstall(c, TestModules(2));
  ASSERT_TRUE(c.Execute("UPDATE x_tag SET code = 'b-dup' WHERE name IN ('Root', 'B v2')"));
  const InstallReport report = MustInstall(c, TestModules(3));
  EXPECT_TRUE(report.schema.complete());
  EXPECT_TRUE(report.schema.warnings.empty()) << report.schema.warnings.front();
  EXPECT_TRUE(schema_testing::Contains(report.schema.applied,
                                       "add constraint x_tag_code_uniq unique(code) on x_tag"));
}

TEST(ModuleInstallerPg, BadRefFailsNamingItAndChangesNothing) {
  db::Connection c = FreshDatabase("install_bad_ref");
  const std::string bad = "[[record]]\nid = \"tag_x\"\nmodel = \"x.tag\"\n[record.values]\nname = \"X\"\n"
                          "parent_id = { ref = \"base.no_such_tag\" }\n";
  auto report = InstallModules(c, TestModules(1, {{"data/tags.toml", bad}}));
  ASSERT_FALSE(report);
  const std::string& message = report.error().message;
  EXPECT_NE(message.find("module shop"), std::string::npos) << message;
  EXPECT_NE(message.find("shop/data/tags.toml"), std::string::npos) << message;
  EXPECT_NE(message.find("shop.tag_x"), std::string::npos) << message;
  EXPECT_NE(message.find("base.no_such_tag"), std::string::npos) << message;
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")
      << "rolled back: not even the tables stay";
  EXPECT_TRUE(c.IsReusable());
}

TEST(ModuleInstallerPg, FailedUpgradeLeavesThePreviousVersion) {
  db::Connection c = FreshDatabase("install_bad_upgrade");
  MustInstall(c, TestModules(1));
  const std::string schema = schema_testing::Fingerprint(c);
  const std::string data = DataFingerprint(c);
  for (const auto& [path, text] : std::map<std::string, std::string>{
           {"security/rules.toml", "[[rule]]\nid = \"r\"\nname = \"n\"\nmodel = \"x.tag\"\n"
                                   "domain = '[[\"no_such_field\", \"=\", 1]]'\n"},
           {"data/tags.toml", "[[record]]\nid = \"t\"\nmodel = \"x.tag\"\n[record.values]\ncolour = 1\n"},
           {"security/access.csv", "id,name\n"},
           {"data/tags.toml", "[[record]]\nid = \"t\"\nmodel = \"x.tag\"\n[record.values]\nparent_id = 3\n"}}) {
    auto report = InstallModules(c, TestModules(2, {{path, text}}));
    ASSERT_FALSE(report) << path;
    EXPECT_NE(report.error().message.find("shop/" + path), std::string::npos) << report.error().message;
    EXPECT_EQ(schema_testing::Fingerprint(c), schema) << path << ": no column added";
    EXPECT_EQ(DataFingerprint(c), data) << path;
  }
  EXPECT_EQ(Scalar(c, "SELECT latest_version FROM ir_module_module WHERE name = 'shop'"), "18.0.1.0");
}

TEST(ModuleInstallerPg, MissingFileAndWrongModelOfARef) {
  db::Connection c = FreshDatabase("install_refs");
  ModuleSet missing;
  missing.Add(install_testing::TestBaseModule());
  Module shop = install_testing::ShopModule(1);
  shop.files.erase("security/rules.toml");
  missing.Add(shop);
  auto report = InstallModules(c, missing);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("shop/security/rules.toml"), std::string::npos);

  const std::string wrong = "[[record]]\nid = \"t\"\nmodel = \"x.tag\"\n[record.values]\nname = \"T\"\n"
                            "parent_id = { ref = \"base.group_user\" }\n";
  report = InstallModules(c, TestModules(1, {{"data/tags.toml", wrong}}));
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("base.group_user is a res.groups, not a x.tag"), std::string::npos)
      << report.error().message;
}

TEST(ModuleInstallerPg, InsideTheCallersTransaction) {
  db::Connection c = FreshDatabase("install_caller_tx");
  ASSERT_TRUE(c.Execute("BEGIN"));
  ASSERT_TRUE(c.Execute("CREATE TABLE before_install (id int)"));
  auto bad = InstallModules(c, TestModules(1, {{"data/tags.toml", "[[record]]\nid = 1\n"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM before_install"), "0") << "the caller's transaction is usable";
  MustInstall(c, TestModules(1));
  ASSERT_TRUE(c.Execute("ROLLBACK"));
  EXPECT_EQ(Scalar(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")
      << "the caller's rollback undoes the install";
}

}  // namespace
}  // namespace citadel::orm
