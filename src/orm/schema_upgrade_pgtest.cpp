// SchemaSync upgrading databases that hold data: only what is new is added,
// nothing holding data is dropped, NOT NULL and unique constraints wait for
// the data to allow them, and the declared ON DELETE rules really apply.
#include "orm/schema_sync.hpp"

#include <gtest/gtest.h>

#include "db/error.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm {
namespace {

using namespace schema_testing;

std::string Id(const core::Result<db::QueryResult>& r) {
  EXPECT_TRUE(r) << r.error().message;
  return r && r->rows() == 1 ? r->Text(0, "id") : std::string();
}

// The one value of a one-row result; "<null>" for NULL.
std::string Scalar(const core::Result<db::QueryResult>& r, std::string_view column) {
  EXPECT_TRUE(r) << r.error().message;
  return r && r->rows() == 1 ? r->Text(0, column, "<null>") : std::string("<no row>");
}

FieldDef& FieldOf(ModelDef& model, const std::string& name) {
  for (auto& f : model.fields) {
    if (f.name == name) return f;
  }
  throw std::logic_error("no field " + name);
}

TEST(SchemaUpgradePg, ExtendedRegistryAddsOnlyWhatIsNew) {
  db::Connection connection = FreshDatabase("schema_extend");
  SyncOrFail(MakeSync(BaseModels()), connection);
  const std::string azure =
      Id(connection.Execute("INSERT INTO res_partner (name) VALUES ('Azure') RETURNING id"));
  const std::string before = Fingerprint(connection);

  Models models = BaseModels();
  ModelDef title;
  title.name = "res.partner.title";
  title.fields = {F("name", FieldType::kChar)};
  title.sql_constraints = {{"name_uniq", "unique(name)", "Titles are unique"}};
  models.defs.push_back(title);
  FieldDef code = F("code", FieldType::kChar);
  code.size = 8;
  code.required = true;
  code.default_value = FieldDefault{Value("P"), {}};
  FieldDef is_company = F("is_company", FieldType::kBoolean);
  is_company.default_value = FieldDefault{Value(true), {}};
  models.extensions.push_back(Extension(
      "res.partner", {code, is_company, F("title_id", FieldType::kMany2one, "res.partner.title")}));
  SchemaSyncReport report = SyncOrFail(MakeSync(std::move(models)), connection);

  EXPECT_EQ(report.applied,
            (std::vector<std::string>{
                "add column res_partner.title_id int4",
                "add column res_partner.code varchar(8)",
                "fill res_partner.code with its default on existing rows",
                "set NOT NULL on res_partner.code",
                "add column res_partner.is_company bool",
                "fill res_partner.is_company with its default on existing rows",
                "create table res_partner_title for res.partner.title (6 columns)",
                "add foreign key res_partner.title_id -> res_partner_title(id) ON DELETE SET NULL",
                "add foreign key res_partner_title.create_uid -> res_users(id) ON DELETE SET NULL",
                "add foreign key res_partner_title.write_uid -> res_users(id) ON DELETE SET NULL",
                "add constraint res_partner_title_name_uniq unique(name) on res_partner_title",
            }));
  auto row = connection.Execute(
      "SELECT name, code, is_company::text AS is_company FROM res_partner WHERE id = $1", azure);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->Text(0, "name"), "Azure");
  EXPECT_EQ(row->Text(0, "code"), "P");
  EXPECT_EQ(row->Text(0, "is_company"), "true");
  EXPECT_EQ(Columns(connection, "res_partner")["code"], "varchar(8) NOT NULL");
  EXPECT_NE(Fingerprint(connection), before);
}

TEST(SchemaUpgradePg, DataNoFieldWantsStaysWithItsColumnAndTable) {
  db::Connection connection = FreshDatabase("schema_keep_data");
  Models v1 = BaseModels();
  FieldDef legacy = F("legacy_code", FieldType::kChar);
  legacy.required = true;
  v1.extensions.push_back(Extension("res.partner", {legacy}));
  ModelDef industry;
  industry.name = "res.partner.industry";
  industry.fields = {F("name", FieldType::kChar)};
  v1.defs.push_back(industry);
  SyncOrFail(MakeSync(std::move(v1)), connection);
  const std::string id = Id(connection.Execute(
      "INSERT INTO res_partner (name, legacy_code) VALUES ('Old', 'L-1') RETURNING id"));
  ASSERT_TRUE(connection.Execute("INSERT INTO res_partner_industry (name) VALUES ('Retail')"));

  SchemaSyncReport report = SyncOrFail(MakeSync(BaseModels()), connection);
  EXPECT_EQ(report.applied, std::vector<std::string>{
                                "drop NOT NULL on res_partner.legacy_code (stored by no field)"});
  EXPECT_TRUE(
      Contains(report.warnings,
               "res_partner.legacy_code is stored by no field of res.partner: kept with its data"));
  EXPECT_EQ(Scalar(connection.Execute("SELECT legacy_code FROM res_partner WHERE id = $1", id),
                   "legacy_code"),
            "L-1");
  EXPECT_EQ(Columns(connection, "res_partner")["legacy_code"], "varchar NULL");
  // The ORM's inserts, which do not know the column, still work.
  EXPECT_TRUE(connection.Execute("INSERT INTO res_partner (name) VALUES ('New')"));
  auto kept = connection.Execute("SELECT name FROM res_partner_industry");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->Text(0, "name"), "Retail");
  EXPECT_TRUE(SyncOrFail(MakeSync(BaseModels()), connection).applied.empty());
}

TEST(SchemaUpgradePg, RequiredColumnOnTableWithRowsStaysNullableUntilItsDataAllows) {
  db::Connection connection = FreshDatabase("schema_not_null");
  SyncOrFail(MakeSync(BaseModels()), connection);
  const std::string id =
      Id(connection.Execute("INSERT INTO res_partner (name) VALUES ('Azure') RETURNING id"));
  Models v2 = BaseModels();
  FieldDef vat = F("vat", FieldType::kChar);
  vat.required = true;
  v2.extensions.push_back(Extension("res.partner", {vat}));
  SchemaSync sync = MakeSync(std::move(v2));

  SchemaSyncReport added = SyncOrFail(sync, connection);
  EXPECT_EQ(added.applied, std::vector<std::string>{"add column res_partner.vat varchar"});
  EXPECT_TRUE(Contains(added.warnings, "res_partner.vat is required but left nullable"));
  EXPECT_EQ(Columns(connection, "res_partner")["vat"], "varchar NULL");

  SchemaSyncReport still_null = SyncOrFail(sync, connection);
  EXPECT_TRUE(still_null.applied.empty());
  EXPECT_TRUE(Contains(still_null.warnings,
                       "not applied: set NOT NULL on res_partner.vat: SQLSTATE 23502"));

  ASSERT_TRUE(connection.Execute("UPDATE res_partner SET vat = 'BE0477472701' WHERE id = $1", id));
  SchemaSyncReport filled = SyncOrFail(sync, connection);
  EXPECT_EQ(filled.applied, std::vector<std::string>{"set NOT NULL on res_partner.vat"});
  EXPECT_EQ(Columns(connection, "res_partner")["vat"], "varchar NOT NULL");
}

TEST(SchemaUpgradePg, UniqueConstraintsAreEnforcedAndWaitForDuplicatesToGo) {
  db::Connection connection = FreshDatabase("schema_unique");
  Models v1 = BaseModels();
  Find(v1, "res.partner").sql_constraints.clear();
  SyncOrFail(MakeSync(std::move(v1)), connection);
  ASSERT_TRUE(
      connection.Execute("INSERT INTO res_partner (name, ref) VALUES ('A', 'DUP'), ('B', 'DUP')"));

  Models v2 = BaseModels();
  FieldDef industry = F("industry", FieldType::kChar);
  industry.index = true;
  v2.extensions.push_back(Extension("res.partner", {industry}));
  SchemaSync sync = MakeSync(std::move(v2));
  SchemaSyncReport blocked = SyncOrFail(sync, connection);
  EXPECT_EQ(blocked.applied,
            (std::vector<std::string>{"add column res_partner.industry varchar",
                                      "create index res_partner__industry_index on res_partner "
                                      "(industry)"}));
  EXPECT_TRUE(Contains(blocked.warnings,
                       "not applied: add constraint res_partner_ref_uniq unique(ref) on "
                       "res_partner: SQLSTATE 23505"));

  ASSERT_TRUE(connection.Execute("UPDATE res_partner SET ref = 'B1' WHERE name = 'B'"));
  EXPECT_EQ(
      SyncOrFail(sync, connection).applied,
      std::vector<std::string>{"add constraint res_partner_ref_uniq unique(ref) on res_partner"});
  auto duplicate = connection.Execute("INSERT INTO res_partner (name, ref) VALUES ('C', 'B1')");
  ASSERT_FALSE(duplicate);
  EXPECT_TRUE(db::IsUniqueViolation(duplicate.error()));
  EXPECT_TRUE(connection.Execute("INSERT INTO res_partner (name) VALUES ('D'), ('E')"))
      << "NULLs are distinct";
  ASSERT_TRUE(connection.Execute("INSERT INTO res_users (login) VALUES ('admin')"));
  auto same_login = connection.Execute("INSERT INTO res_users (login) VALUES ('admin')");
  ASSERT_FALSE(same_login);
  EXPECT_TRUE(db::IsUniqueViolation(same_login.error()));
}

TEST(SchemaUpgradePg, OndeleteRulesApplyAsDeclared) {
  db::Connection connection = FreshDatabase("schema_ondelete");
  SyncOrFail(MakeSync(BaseModels()), connection);
  const std::string be = Id(connection.Execute(
      "INSERT INTO res_country (name, code) VALUES ('Belgium', 'BE') RETURNING id"));
  const std::string user =
      Id(connection.Execute("INSERT INTO res_users (login) VALUES ('demo') RETURNING id"));
  const std::string vip =
      Id(connection.Execute("INSERT INTO res_partner_category (name) VALUES ('VIP') RETURNING id"));
  const std::string gold = Id(
      connection.Execute("INSERT INTO res_partner_category (name) VALUES ('Gold') RETURNING id"));
  const std::string company = Id(connection.Execute(
      "INSERT INTO res_partner (name, country_id, user_id) VALUES ('Azure', $1, $2) RETURNING id",
      be, user));
  const std::string contact = Id(connection.Execute(
      "INSERT INTO res_partner (name, parent_id) VALUES ('Brandon', $1) RETURNING id", company));
  ASSERT_TRUE(connection.Execute(
      "INSERT INTO res_partner_res_partner_category_rel (res_partner_id, res_partner_category_id) "
      "VALUES ($1, $2), ($1, $3), ($4, $3)",
      company, vip, gold, contact));

  auto restricted = connection.Execute("DELETE FROM res_country WHERE id = $1", be);  // restrict
  ASSERT_FALSE(restricted);
  EXPECT_EQ(db::SqlStateOf(restricted.error()), "23503");

  ASSERT_TRUE(connection.Execute("DELETE FROM res_users WHERE id = $1", user));  // set null
  auto user_id = connection.Execute("SELECT user_id FROM res_partner WHERE id = $1", company);
  ASSERT_TRUE(user_id);
  EXPECT_FALSE(user_id->Get(0, "user_id").has_value());

  ASSERT_TRUE(connection.Execute("DELETE FROM res_partner_category WHERE id = $1",
                                 vip));  // link rows cascade
  auto links = connection.Execute("SELECT count(*) AS n FROM res_partner_res_partner_category_rel");
  ASSERT_TRUE(links);
  EXPECT_EQ(links->Text(0, "n"), "2");

  ASSERT_TRUE(
      connection.Execute("DELETE FROM res_partner WHERE id = $1", company));  // parent_id cascade
  auto left = connection.Execute("SELECT count(*) AS n FROM res_partner");
  ASSERT_TRUE(left);
  EXPECT_EQ(left->Text(0, "n"), "0") << "the contact went with its company";
  links = connection.Execute("SELECT count(*) AS n FROM res_partner_res_partner_category_rel");
  ASSERT_TRUE(links);
  EXPECT_EQ(links->Text(0, "n"), "0");
  EXPECT_TRUE(connection.Execute("DELETE FROM res_country WHERE id = $1", be))
      << "no partner refers to it now";
}

TEST(SchemaUpgradePg,
     SafeWideningIsAppliedOtherTypeChangesReportedAndOndeleteChangesReplaceTheKey) {
  db::Connection connection = FreshDatabase("schema_types");
  SyncOrFail(MakeSync(BaseModels()), connection);
  ASSERT_TRUE(connection.Execute(
      "INSERT INTO res_partner (name, ref, color) VALUES ('Azure', 'ABCDEFGH', 7)"));

  Models v2 = BaseModels();
  ModelDef& partner = Find(v2, "res.partner");
  FieldOf(partner, "ref").size = 32;
  FieldOf(partner, "color").type = FieldType::kChar;
  FieldOf(partner, "parent_id").ondelete = OnDelete::kSetNull;
  SchemaSyncReport report = SyncOrFail(MakeSync(std::move(v2)), connection);
  EXPECT_EQ(report.applied,
            (std::vector<std::string>{
                "widen res_partner.ref from varchar(8) to varchar(32)",
                "replace foreign key res_partner_parent_id_fkey by res_partner.parent_id -> "
                "res_partner(id) ON DELETE SET NULL"}));
  EXPECT_TRUE(
      Contains(report.warnings,
               "res_partner.color is int4 but res.partner.color wants varchar: not converted"));
  auto row = connection.Execute("SELECT ref, color FROM res_partner");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->Text(0, "ref"), "ABCDEFGH");
  EXPECT_EQ(row->Text(0, "color"), "7");
  EXPECT_EQ(Columns(connection, "res_partner")["ref"], "varchar(32) NULL");
  EXPECT_EQ(ForeignKeys(connection, "res_partner")["parent_id"],
            "res_partner(id) n res_partner_parent_id_fkey");
}

}  // namespace
}  // namespace citadel::orm
