// The planner, without a database, installing: a registry against an empty
// or already synced database -> the changes, in order, with Odoo's types,
// names, link tables, indexes and constraints.
#include "orm/schema_plan.hpp"

#include <gtest/gtest.h>

#include <map>

#include "orm/schema_plan_test_models.hpp"

namespace citadel::orm {
namespace {

using namespace schema_plan_testing;

TEST(SchemaPlanTest, EmptyDatabaseGetsTablesWithOdooColumnTypesThenKeysIndexesConstraints) {
  SchemaPlan plan = PlanSchemaChanges(Wanted(BaseModels()), ExistingSchema{});
  auto tables = ChangesOf<CreateTable>(plan);
  ASSERT_EQ(tables.size(), 4u);
  const CreateTable* partner = tables[3];
  EXPECT_EQ(partner->table, "res_partner");
  std::map<std::string, std::pair<std::string, bool>> columns;
  for (const auto& c : partner->columns) columns[c.name] = {Describe(c.type), c.not_null};
  const std::map<std::string, std::pair<std::string, bool>> expected = {
      {"name", {"varchar", true}},         {"ref", {"varchar(16)", false}},
      {"comment", {"text", false}},        {"notes", {"text", false}},
      {"color", {"int4", false}},          {"latitude", {"float8", false}},
      {"amount", {"numeric", false}},      {"credit", {"numeric", false}},
      {"active", {"bool", false}},         {"birthday", {"date", false}},
      {"seen", {"timestamp", false}},      {"type", {"varchar", false}},
      {"parent_id", {"int4", false}},      {"user_id", {"int4", true}},
      {"country_id", {"int4", false}},     {"create_uid", {"int4", false}},
      {"write_uid", {"int4", false}},      {"create_date", {"timestamp", false}},
      {"write_date", {"timestamp", false}}, {"image", {"text", false}}};  // binary: a file store reference
  EXPECT_EQ(columns,
            expected);  // no id (SERIAL), one2many, many2many or display_name column
  // Odoo's column order: int4 first, float8 last.
  EXPECT_EQ(partner->columns.front().type.kind, ColumnKind::kInt4);
  EXPECT_EQ(partner->columns.back().name, "latitude");

  // Order: tables, link tables, foreign keys, indexes, constraints.
  std::vector<std::size_t> kinds;
  for (const auto& step : plan.changes) kinds.push_back(step.change.index());
  EXPECT_TRUE(std::is_sorted(kinds.begin(), kinds.end(), [](std::size_t a, std::size_t b) {
    auto rank = [](std::size_t k) { return k == 0 ? 0 : k == 6 ? 1 : k == 7 ? 2 : k == 8 ? 3 : 4; };
    return rank(a) < rank(b);
  }));
  EXPECT_FALSE(std::any_of(plan.changes.begin(), plan.changes.end(),
                           [](const PlannedChange& c) { return c.depends_on_data; }));

  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "parent_id")->ondelete, OnDelete::kCascade);
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "country_id")->ondelete, OnDelete::kRestrict);
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "country_id")->referenced_table, "res_country");
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "create_uid")->ondelete, OnDelete::kSetNull);
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "create_uid")->referenced_table, "res_users");
  // Required and left at set null: Odoo's default for a required many2one.
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "user_id")->ondelete, OnDelete::kRestrict);
  EXPECT_TRUE(std::any_of(plan.declaration_warnings.begin(), plan.declaration_warnings.end(),
                          [](const std::string& w) { return w.find("check_name") != std::string::npos; }));
  EXPECT_FALSE(HasWarning(plan, "check_name")) << "the modules', not this database's";
}

TEST(SchemaPlanTest, SyncedDatabasePlansNothing) {
  WantedSchema wanted = Wanted(BaseModels());
  for (bool rows : {false, true}) {
    SchemaPlan plan = PlanSchemaChanges(wanted, Synced(wanted, rows));
    EXPECT_TRUE(plan.changes.empty()) << plan.changes.front().description;
    EXPECT_TRUE(plan.warnings.empty()) << plan.warnings.front();
    // Only the check constraint not installed: the modules', not the database's.
    EXPECT_EQ(plan.declaration_warnings, wanted.warnings);
  }
}

TEST(SchemaPlanTest, ManyToManyGetsOdoosLinkTable) {
  SchemaPlan plan = PlanSchemaChanges(Wanted(BaseModels()), ExistingSchema{});
  auto links = ChangesOf<CreateLinkTable>(plan);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0]->relation, "res_partner_res_partner_category_rel");
  EXPECT_EQ(links[0]->column1, "res_partner_id");
  EXPECT_EQ(links[0]->column2, "res_partner_category_id");
  const AddForeignKey* to_model = ForeignKeyOn(plan, links[0]->relation, "res_partner_id");
  const AddForeignKey* to_comodel =
      ForeignKeyOn(plan, links[0]->relation, "res_partner_category_id");
  ASSERT_TRUE(to_model && to_comodel);
  EXPECT_EQ(to_model->referenced_table, "res_partner");
  EXPECT_EQ(to_model->ondelete, OnDelete::kCascade);
  EXPECT_EQ(to_comodel->referenced_table, "res_partner_category");
  EXPECT_EQ(to_comodel->ondelete, OnDelete::kCascade);
  bool indexed = false;
  for (const auto* index : ChangesOf<CreateIndex>(plan)) {
    if (index->table == links[0]->relation) {
      indexed = true;
      EXPECT_TRUE(index->name.empty());
      EXPECT_EQ(index->columns,
                (std::vector<std::string>{"res_partner_category_id", "res_partner_id"}));
    }
  }
  EXPECT_TRUE(indexed);
}

TEST(SchemaPlanTest, InverseManyToManyFieldsShareOneLinkTableAndRestrictIsKept) {
  Models models = BaseModels();
  FieldDef partners = F("partner_ids", FieldType::kMany2many, "res.partner");
  partners.relation = "res_partner_res_partner_category_rel";
  partners.column1 = "res_partner_category_id";
  partners.column2 = "res_partner_id";
  partners.ondelete = OnDelete::kRestrict;
  models.extensions.push_back(Extension("res.partner.category", {partners}));
  SchemaPlan plan = PlanSchemaChanges(Wanted(std::move(models)), ExistingSchema{});
  EXPECT_EQ(ChangesOf<CreateLinkTable>(plan).size(), 1u);
  // column2 of the inverse (forced, as Odoo's add_foreign_key) wins over column1 of the first.
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner_res_partner_category_rel", "res_partner_id")->ondelete,
            OnDelete::kRestrict);
}

TEST(SchemaPlanTest, IndexesAreCreatedOnceByOdoosName) {
  WantedSchema wanted = Wanted(BaseModels());
  SchemaPlan fresh = PlanSchemaChanges(wanted, ExistingSchema{});
  auto named = ChangesOf<CreateIndex>(fresh);
  EXPECT_TRUE(std::any_of(named.begin(), named.end(), [](const CreateIndex* i) {
    return i->name == "res_partner__name_index" && i->table == "res_partner" &&
           i->columns == std::vector<std::string>{"name"};
  }));
  ExistingSchema existing = Synced(wanted, true);
  auto& indexes = existing.tables["res_partner"].indexes;
  indexes.erase(
      std::remove_if(indexes.begin(), indexes.end(),
                     [](const ExistingIndex& i) { return i.name == "res_partner__name_index"; }),
      indexes.end());
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 1u);
  EXPECT_EQ(std::get<CreateIndex>(plan.changes[0].change).name, "res_partner__name_index");
  EXPECT_FALSE(plan.changes[0].depends_on_data);
}

TEST(SchemaPlanTest, UniqueConstraintsAreAddedOrReplacedUnderASavepoint) {
  WantedSchema wanted = Wanted(BaseModels());
  SchemaPlan fresh = PlanSchemaChanges(wanted, ExistingSchema{});
  auto uniques = ChangesOf<AddUniqueConstraint>(fresh);
  ASSERT_EQ(uniques.size(), 2u);
  EXPECT_EQ(uniques[0]->name, "res_users_login_key");
  EXPECT_EQ(uniques[0]->columns, std::vector<std::string>{"login"});
  EXPECT_EQ(uniques[1]->name, "res_partner_ref_uniq");

  ExistingSchema existing = Synced(wanted, true);
  existing.tables["res_users"].constraints.clear();
  existing.tables["res_partner"].constraints = {
      {"res_partner_ref_uniq", ExistingConstraint::Kind::kUnique, {"name"}}};
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 2u);
  const auto& add = std::get<AddUniqueConstraint>(plan.changes[0].change);
  EXPECT_FALSE(add.replaces);
  EXPECT_TRUE(plan.changes[0].depends_on_data);  // duplicates may already be there
  const auto& replace = std::get<AddUniqueConstraint>(plan.changes[1].change);
  EXPECT_TRUE(replace.replaces);
  EXPECT_EQ(replace.columns, std::vector<std::string>{"ref"});
}

TEST(SchemaPlanTest, BadSqlConstraintsFailNamingModelAndConstraint) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"unique(nope)", "nope is not a stored column"},
      {"unique(category_id)", "category_id is not a stored column"},  // a many2many has no column
      {"unique(image)", "image is not a stored column"},              // nor a binary
      {"unique(name", "malformed"},
      {"primary key (name)", "unsupported"}};
  for (const auto& [definition, message] : bad) {
    Models models = BaseModels();
    models.defs[3].sql_constraints = {{"broken", definition, "m"}};
    auto wanted = DescribeWantedSchema(*Build(std::move(models)));
    ASSERT_FALSE(wanted) << definition;
    EXPECT_NE(wanted.error().message.find("model res.partner, SQL constraint broken"),
              std::string::npos)
        << wanted.error().message;
    EXPECT_NE(wanted.error().message.find(message), std::string::npos) << wanted.error().message;
  }
}

// Odoo's _auto = False with _log_access off (res.users.apikeys): the model's
// own statements make its table, once; its fields get no column, foreign key
// or index from the sync, and it has no log-access fields.
TEST(SchemaPlanTest, ModelWithoutAutoTableIsMadeByItsInitOnlyWhenMissing) {
  Models models = BaseModels();
  ModelDef secret;
  secret.name = "x.secret";
  secret.auto_table = false;
  secret.log_access = false;
  FieldDef user = Required(F("user_id", FieldType::kMany2one, "res.users"));
  user.index = true;
  secret.fields = {Required(F("name", FieldType::kChar)), user};
  secret.init_sql = {"CREATE TABLE IF NOT EXISTS x_secret (id serial primary key, name varchar not null, "
                     "user_id integer not null REFERENCES res_users(id), hidden varchar)",
                     "CREATE INDEX IF NOT EXISTS x_secret_user_idx ON x_secret (user_id)"};
  models.defs.push_back(secret);
  const auto registry = Build(models);
  const Model& model = *registry->FindModel("x.secret");
  EXPECT_FALSE(model.auto_table());
  EXPECT_EQ(model.FindField("create_uid"), nullptr);
  EXPECT_EQ(model.FindField("write_date"), nullptr);
  EXPECT_NE(model.FindField("display_name"), nullptr);

  WantedSchema wanted = Wanted(models);
  const std::vector<std::string> names = wanted.TableNames();
  EXPECT_EQ(std::count(names.begin(), names.end(), "x_secret"), 1);
  SchemaPlan fresh = PlanSchemaChanges(wanted, ExistingSchema{});
  auto inits = ChangesOf<RunModelInit>(fresh);
  ASSERT_EQ(inits.size(), 1u);
  EXPECT_EQ(inits[0]->table, "x_secret");
  EXPECT_EQ(inits[0]->statements.size(), 2u);
  EXPECT_EQ(ForeignKeyOn(fresh, "x_secret", "user_id"), nullptr);
  for (const auto* table : ChangesOf<CreateTable>(fresh)) EXPECT_NE(table->table, "x_secret");
  for (const auto* index : ChangesOf<CreateIndex>(fresh)) EXPECT_NE(index->table, "x_secret");
  // After the tables it references, before any foreign key.
  std::size_t init_at = 0, last_table = 0, first_key = fresh.changes.size();
  for (std::size_t i = 0; i < fresh.changes.size(); ++i) {
    const auto& change = fresh.changes[i].change;
    if (std::holds_alternative<RunModelInit>(change)) init_at = i;
    if (std::holds_alternative<CreateTable>(change)) last_table = i;
    if (std::holds_alternative<AddForeignKey>(change) && first_key == fresh.changes.size()) first_key = i;
  }
  EXPECT_GT(init_at, last_table);
  EXPECT_LT(init_at, first_key);

  ExistingSchema synced = Synced(wanted, true);
  synced.tables["x_secret"].name = "x_secret";
  EXPECT_TRUE(PlanSchemaChanges(wanted, synced).changes.empty());
  // Its init may make a view (citadel.backup does): that is what it is for,
  // not a relation in the way of a table (no warning on every upgrade).
  synced.tables["x_secret"].is_table = false;
  const SchemaPlan view = PlanSchemaChanges(wanted, synced);
  EXPECT_TRUE(view.changes.empty());
  EXPECT_TRUE(view.warnings.empty()) << view.warnings.front();
}

}  // namespace
}  // namespace citadel::orm
