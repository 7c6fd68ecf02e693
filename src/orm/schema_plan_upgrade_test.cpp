// The planner, without a database, upgrading: a registry against a database
// that has rows and differs from it -> only what is missing is added, nothing
// is dropped, and what cannot be done safely is reported.
#include "orm/schema_plan.hpp"

#include <gtest/gtest.h>

#include "orm/schema_plan_test_models.hpp"

namespace citadel::orm {
namespace {

using namespace schema_plan_testing;

TEST(SchemaPlanUpgradeTest, ColumnsNoFieldWantsAreNeverDropped) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  existing.tables["res_partner"].columns.push_back({"legacy_code", "varchar", 8, true});
  existing.tables["res_partner"].columns.push_back({"old_notes", "text", std::nullopt, false});
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 1u);
  const auto* relax = std::get_if<DropNotNull>(&plan.changes[0].change);
  ASSERT_NE(relax, nullptr);  // so the ORM's inserts still work; the data stays
  EXPECT_EQ(relax->column, "legacy_code");
  EXPECT_TRUE(HasWarning(
      plan, "res_partner.legacy_code is stored by no field of res.partner: kept with its data"));
  EXPECT_TRUE(HasWarning(plan, "res_partner.old_notes"));
}

TEST(SchemaPlanUpgradeTest, NotNullIsDeferredOnNonEmptyTableWithoutADefault) {
  Models models = BaseModels();
  FieldDef code = Required(F("code", FieldType::kChar));
  FieldDef kind = Required(F("kind", FieldType::kChar));
  kind.default_value = FieldDefault{Value("person"), {}};
  models.extensions.push_back(Extension("res.partner", {code, kind}));
  WantedSchema before = Wanted(BaseModels());
  WantedSchema after = Wanted(std::move(models));

  SchemaPlan with_rows = PlanSchemaChanges(after, Synced(before, true));
  ASSERT_EQ(with_rows.changes.size(), 4u);
  const auto* add_code = std::get_if<AddColumn>(&with_rows.changes[0].change);
  ASSERT_NE(add_code, nullptr);
  EXPECT_EQ(add_code->column, "code");
  EXPECT_FALSE(add_code->not_null);
  EXPECT_TRUE(HasWarning(with_rows, "res_partner.code is required but left nullable"));
  const auto* add_kind = std::get_if<AddColumn>(&with_rows.changes[1].change);
  ASSERT_NE(add_kind, nullptr);
  EXPECT_FALSE(add_kind->not_null);
  const auto* fill = std::get_if<FillColumn>(&with_rows.changes[2].change);
  ASSERT_NE(fill, nullptr);
  EXPECT_EQ(fill->value, "person");
  EXPECT_NE(std::get_if<SetNotNull>(&with_rows.changes[3].change), nullptr);

  SchemaPlan empty = PlanSchemaChanges(after, Synced(before, false));
  auto adds = ChangesOf<AddColumn>(empty);
  ASSERT_EQ(adds.size(), 2u);
  EXPECT_TRUE(adds[0]->not_null && adds[1]->not_null);
  EXPECT_TRUE(ChangesOf<FillColumn>(empty).empty());
  EXPECT_FALSE(HasWarning(empty, "left nullable"));
}

TEST(SchemaPlanUpgradeTest, ExistingColumnBecomingRequiredTriesNotNullUnderASavepoint) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  for (auto& c : existing.tables["res_partner"].columns) {
    if (c.name == "name") c.not_null = false;
    if (c.name == "ref") c.not_null = true;
  }
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 2u);
  EXPECT_NE(std::get_if<SetNotNull>(&plan.changes[0].change), nullptr);
  EXPECT_TRUE(plan.changes[0].depends_on_data);
  EXPECT_NE(std::get_if<DropNotNull>(&plan.changes[1].change), nullptr);
}

TEST(SchemaPlanUpgradeTest, NewBooleanWithTrueDefaultFillsExistingRowsFalseDoesNot) {
  Models models = BaseModels();
  FieldDef on = F("is_company", FieldType::kBoolean);
  on.default_value = FieldDefault{Value(true), {}};
  FieldDef off = F("employee", FieldType::kBoolean);
  off.default_value = FieldDefault{Value(false), {}};
  FieldDef computed = F("total", FieldType::kInteger);
  computed.compute = "_compute_total";
  computed.store = true;
  // A stored related field is a stored compute too (Odoo's related fields
  // compute _compute_related): its existing rows need it as well.
  FieldDef related = F("country_name", FieldType::kChar);
  related.related = "country_id.name";
  related.store = true;
  models.extensions.push_back(
      Extension("res.partner", {on, off, computed, related}, {{"_compute_total", nullptr}}));
  SchemaPlan plan =
      PlanSchemaChanges(Wanted(std::move(models)), Synced(Wanted(BaseModels()), true));
  auto fills = ChangesOf<FillColumn>(plan);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0]->column, "is_company");
  EXPECT_EQ(fills[0]->value, "true");
  std::vector<std::string> to_compute;
  for (const FieldRef& ref : plan.fields_to_compute) to_compute.push_back(ref.model + "." + ref.field);
  std::sort(to_compute.begin(), to_compute.end());
  EXPECT_EQ(to_compute, (std::vector<std::string>{"res.partner.country_name", "res.partner.total"}));
}

TEST(SchemaPlanUpgradeTest, TypeChangesOnlyWidenAndForeignKeysFollowOndelete) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  for (auto& c : existing.tables["res_partner"].columns) {
    if (c.name == "ref") c.max_length = 8;               // varchar(8) -> varchar(16)
    if (c.name == "comment") c.udt_name = "varchar";     // varchar -> text
    if (c.name == "color") c.udt_name = "text";          // text -> int4: never
    if (c.name == "country_id") c.udt_name = "varchar";  // no foreign key on a mistyped column
    if (c.name == "country_id") existing.tables["res_partner"].foreign_keys.clear();
  }
  existing.tables["res_partner"].foreign_keys.push_back(
      {"res_partner_parent_id_fkey", "parent_id", "res_partner", "id", ForeignKeyAction::kSetNull});
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  auto widened = ChangesOf<WidenColumn>(plan);
  ASSERT_EQ(widened.size(), 2u);
  EXPECT_EQ(widened[0]->column, "ref");
  EXPECT_EQ(widened[1]->column, "comment");
  EXPECT_TRUE(HasWarning(
      plan, "res_partner.color is text but res.partner.color wants int4: not converted"));
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "country_id"), nullptr);
  // Every foreign key was dropped above; they come back, parent_id's replacing the wrong one.
  const AddForeignKey* parent = ForeignKeyOn(plan, "res_partner", "parent_id");
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->ondelete, OnDelete::kCascade);
}

TEST(SchemaPlanUpgradeTest, ForeignKeyWithOtherOndeleteIsReplaced) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  for (auto& fk : existing.tables["res_partner"].foreign_keys) {
    if (fk.column == "parent_id") fk.on_delete = ForeignKeyAction::kNoAction;
  }
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 1u);
  const auto& fk = std::get<AddForeignKey>(plan.changes[0].change);
  EXPECT_EQ(fk.replaces, "res_partner_parent_id_fkey");
  EXPECT_EQ(fk.ondelete, OnDelete::kCascade);
  EXPECT_TRUE(plan.changes[0].depends_on_data);
}

TEST(SchemaPlanUpgradeTest, ViewsAndBrokenLinkTablesAreLeftAlone) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  existing.tables["res_country"] = ExistingTable{};
  existing.tables["res_country"].name = "res_country";
  existing.tables["res_country"].is_table = false;
  existing.tables["res_partner_res_partner_category_rel"].columns.pop_back();
  existing.tables["res_partner_res_partner_category_rel"].foreign_keys.clear();
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  EXPECT_TRUE(plan.changes.empty()) << plan.changes.front().description;
  EXPECT_TRUE(HasWarning(plan, "res_country exists but is not a table"));
  EXPECT_TRUE(HasWarning(plan, "has no column res_partner_category_id"));
}

}  // namespace
}  // namespace citadel::orm
