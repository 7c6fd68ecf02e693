// The planner, without a database: a registry and a database described by
// hand -> the changes, in order, and what is reported instead of done.
#include "orm/schema_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace citadel::orm {
namespace {

FieldDef F(std::string name, FieldType type, std::string comodel = "") {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.comodel = std::move(comodel);
  return f;
}

FieldDef Required(FieldDef f) {
  f.required = true;
  return f;
}

struct Models {
  std::vector<ModelDef> defs;
  std::vector<ModelExtension> extensions;
};

Models BaseModels() {
  ModelDef users;
  users.name = "res.users";
  users.fields = {Required(F("login", FieldType::kChar))};
  users.sql_constraints = {{"login_key", "UNIQUE (login)", "A login is unique"}};

  ModelDef country;
  country.name = "res.country";
  country.fields = {F("name", FieldType::kChar)};

  ModelDef category;
  category.name = "res.partner.category";
  category.fields = {F("name", FieldType::kChar)};

  ModelDef partner;
  partner.name = "res.partner";
  FieldDef name = Required(F("name", FieldType::kChar));
  name.index = true;
  FieldDef ref = F("ref", FieldType::kChar);
  ref.size = 16;
  FieldDef amount = F("amount", FieldType::kFloat);
  amount.digits = std::make_pair(16, 2);
  FieldDef type = F("type", FieldType::kSelection);
  type.selection = {{"contact", "Contact"}, {"invoice", "Invoice"}};
  FieldDef parent = F("parent_id", FieldType::kMany2one, "res.partner");
  parent.ondelete = OnDelete::kCascade;
  FieldDef country_id = F("country_id", FieldType::kMany2one, "res.country");
  country_id.ondelete = OnDelete::kRestrict;
  FieldDef children = F("child_ids", FieldType::kOne2many, "res.partner");
  children.inverse_name = "parent_id";
  FieldDef active = F("active", FieldType::kBoolean);
  active.default_value = FieldDefault{Value(true), {}};
  partner.fields = {name, ref, F("comment", FieldType::kText), F("color", FieldType::kInteger),
                    F("latitude", FieldType::kFloat), amount, F("credit", FieldType::kMonetary), active,
                    F("birthday", FieldType::kDate), F("seen", FieldType::kDatetime), type, parent,
                    Required(F("user_id", FieldType::kMany2one, "res.users")), country_id, children,
                    F("category_id", FieldType::kMany2many, "res.partner.category"),
                    F("image", FieldType::kBinary), F("notes", FieldType::kHtml)};
  partner.sql_constraints = {{"ref_uniq", "unique(ref)", "Reference is unique"},
                             {"check_name", "CHECK(name IS NOT NULL)", "A name"}};
  return {{users, country, category, partner}, {}};
}

std::shared_ptr<const Registry> Build(Models models) {
  RegistryBuilder builder;
  for (auto& m : models.defs) builder.AddModel("base", std::move(m));
  for (auto& e : models.extensions) builder.ExtendModel("contacts", std::move(e));
  auto registry = builder.Build();
  EXPECT_TRUE(registry) << registry.error().message;
  return *registry;
}

WantedSchema Wanted(Models models) {
  auto wanted = DescribeWantedSchema(*Build(std::move(models)));
  EXPECT_TRUE(wanted) << wanted.error().message;
  return *wanted;
}

ForeignKeyAction ActionOf(OnDelete ondelete) {
  switch (ondelete) {
    case OnDelete::kSetNull: return ForeignKeyAction::kSetNull;
    case OnDelete::kRestrict: return ForeignKeyAction::kRestrict;
    case OnDelete::kCascade: return ForeignKeyAction::kCascade;
  }
  return ForeignKeyAction::kNoAction;
}

// The database a successful sync of `wanted` leaves behind.
ExistingSchema Synced(const WantedSchema& wanted, bool has_rows) {
  ExistingSchema schema;
  for (const auto& table : wanted.tables) {
    ExistingTable& t = schema.tables[table.name];
    t.name = table.name;
    t.has_rows = has_rows;
    t.columns.push_back({"id", "int4", std::nullopt, true});
    for (const auto& c : table.columns) {
      t.columns.push_back({c.name, std::string(UdtNameOf(c.type.kind)), c.type.varchar_size, c.not_null});
    }
    t.indexes.push_back({table.name + "_pkey", {"id"}, true, true});
  }
  for (const auto& link : wanted.link_tables) {
    ExistingTable& t = schema.tables[link.relation];
    t.name = link.relation;
    t.columns = {{link.column1, "int4", std::nullopt, true}, {link.column2, "int4", std::nullopt, true}};
    t.indexes.push_back({link.relation + "_pkey", {link.column1, link.column2}, true, true});
  }
  for (const auto& fk : wanted.foreign_keys) {
    schema.tables[fk.table].foreign_keys.push_back(
        {fk.table + "_" + fk.column + "_fkey", fk.column, fk.referenced_table, "id", ActionOf(fk.ondelete)});
  }
  for (const auto& index : wanted.indexes) {
    schema.tables[index.table].indexes.push_back(
        {index.name.empty() ? index.table + "_idx" : index.name, index.columns, false, false});
  }
  for (const auto& u : wanted.unique_constraints) {
    schema.tables[u.table].constraints.push_back({u.name, ExistingConstraint::Kind::kUnique, u.columns});
  }
  return schema;
}

template <class T>
std::vector<const T*> ChangesOf(const SchemaPlan& plan) {
  std::vector<const T*> out;
  for (const auto& step : plan.changes) {
    if (const T* c = std::get_if<T>(&step.change)) out.push_back(c);
  }
  return out;
}

bool HasWarning(const SchemaPlan& plan, std::string_view text) {
  return std::any_of(plan.warnings.begin(), plan.warnings.end(),
                     [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

const AddForeignKey* ForeignKeyOn(const SchemaPlan& plan, std::string_view table, std::string_view column) {
  for (const auto* fk : ChangesOf<AddForeignKey>(plan)) {
    if (fk->table == table && fk->column == column) return fk;
  }
  return nullptr;
}

TEST(SchemaPlanTest, EmptyDatabaseGetsTablesWithOdooColumnTypesThenKeysIndexesConstraints) {
  SchemaPlan plan = PlanSchemaChanges(Wanted(BaseModels()), ExistingSchema{});
  auto tables = ChangesOf<CreateTable>(plan);
  ASSERT_EQ(tables.size(), 4u);
  const CreateTable* partner = tables[3];
  EXPECT_EQ(partner->table, "res_partner");
  std::map<std::string, std::pair<std::string, bool>> columns;
  for (const auto& c : partner->columns) columns[c.name] = {Describe(c.type), c.not_null};
  const std::map<std::string, std::pair<std::string, bool>> expected = {
      {"name", {"varchar", true}},       {"ref", {"varchar(16)", false}},   {"comment", {"text", false}},
      {"notes", {"text", false}},        {"color", {"int4", false}},        {"latitude", {"float8", false}},
      {"amount", {"numeric", false}},    {"credit", {"numeric", false}},    {"active", {"bool", false}},
      {"birthday", {"date", false}},     {"seen", {"timestamp", false}},    {"type", {"varchar", false}},
      {"parent_id", {"int4", false}},    {"user_id", {"int4", true}},       {"country_id", {"int4", false}},
      {"create_uid", {"int4", false}},   {"write_uid", {"int4", false}},    {"create_date", {"timestamp", false}},
      {"write_date", {"timestamp", false}}};
  EXPECT_EQ(columns, expected);  // no id (SERIAL), binary, one2many, many2many or display_name column
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
  EXPECT_TRUE(HasWarning(plan, "check_name"));
}

TEST(SchemaPlanTest, SyncedDatabasePlansNothing) {
  WantedSchema wanted = Wanted(BaseModels());
  for (bool rows : {false, true}) {
    SchemaPlan plan = PlanSchemaChanges(wanted, Synced(wanted, rows));
    EXPECT_TRUE(plan.changes.empty()) << plan.changes.front().description;
    EXPECT_EQ(plan.warnings, wanted.warnings);  // only the check constraint not installed
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
  const AddForeignKey* to_comodel = ForeignKeyOn(plan, links[0]->relation, "res_partner_category_id");
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
      EXPECT_EQ(index->columns, (std::vector<std::string>{"res_partner_category_id", "res_partner_id"}));
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
  models.extensions.push_back({"res.partner.category", {partners}, {}, {}, {}});
  SchemaPlan plan = PlanSchemaChanges(Wanted(std::move(models)), ExistingSchema{});
  EXPECT_EQ(ChangesOf<CreateLinkTable>(plan).size(), 1u);
  // column2 of the inverse (forced, as Odoo's add_foreign_key) wins over column1 of the first.
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner_res_partner_category_rel", "res_partner_id")->ondelete,
            OnDelete::kRestrict);
}

TEST(SchemaPlanTest, ColumnsNoFieldWantsAreNeverDropped) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  existing.tables["res_partner"].columns.push_back({"legacy_code", "varchar", 8, true});
  existing.tables["res_partner"].columns.push_back({"old_notes", "text", std::nullopt, false});
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  ASSERT_EQ(plan.changes.size(), 1u);
  const auto* relax = std::get_if<DropNotNull>(&plan.changes[0].change);
  ASSERT_NE(relax, nullptr);  // so the ORM's inserts still work; the data stays
  EXPECT_EQ(relax->column, "legacy_code");
  EXPECT_TRUE(HasWarning(plan, "res_partner.legacy_code is stored by no field of res.partner: kept with its data"));
  EXPECT_TRUE(HasWarning(plan, "res_partner.old_notes"));
}

TEST(SchemaPlanTest, NotNullIsDeferredOnNonEmptyTableWithoutADefault) {
  Models models = BaseModels();
  FieldDef code = Required(F("code", FieldType::kChar));
  FieldDef kind = Required(F("kind", FieldType::kChar));
  kind.default_value = FieldDefault{Value("person"), {}};
  models.extensions.push_back({"res.partner", {code, kind}, {}, {}, {}});
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

TEST(SchemaPlanTest, ExistingColumnBecomingRequiredTriesNotNullUnderASavepoint) {
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

TEST(SchemaPlanTest, NewBooleanWithTrueDefaultFillsExistingRowsFalseDoesNot) {
  Models models = BaseModels();
  FieldDef on = F("is_company", FieldType::kBoolean);
  on.default_value = FieldDefault{Value(true), {}};
  FieldDef off = F("employee", FieldType::kBoolean);
  off.default_value = FieldDefault{Value(false), {}};
  FieldDef computed = F("total", FieldType::kInteger);
  computed.compute = "_compute_total";
  models.extensions.push_back({"res.partner", {on, off, computed}, {}, {{"_compute_total", nullptr}}, {}});
  SchemaPlan plan = PlanSchemaChanges(Wanted(std::move(models)), Synced(Wanted(BaseModels()), true));
  auto fills = ChangesOf<FillColumn>(plan);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0]->column, "is_company");
  EXPECT_EQ(fills[0]->value, "true");
  EXPECT_EQ(plan.fields_to_compute, (std::vector<FieldRef>{{"res.partner", "total"}}));
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
  indexes.erase(std::remove_if(indexes.begin(), indexes.end(),
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
  existing.tables["res_partner"].constraints = {{"res_partner_ref_uniq", ExistingConstraint::Kind::kUnique, {"name"}}};
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
    EXPECT_NE(wanted.error().message.find("model res.partner, SQL constraint broken"), std::string::npos)
        << wanted.error().message;
    EXPECT_NE(wanted.error().message.find(message), std::string::npos) << wanted.error().message;
  }
}

TEST(SchemaPlanTest, TypeChangesOnlyWidenAndForeignKeysFollowOndelete) {
  WantedSchema wanted = Wanted(BaseModels());
  ExistingSchema existing = Synced(wanted, true);
  for (auto& c : existing.tables["res_partner"].columns) {
    if (c.name == "ref") c.max_length = 8;                   // varchar(8) -> varchar(16)
    if (c.name == "comment") c.udt_name = "varchar";         // varchar -> text
    if (c.name == "color") c.udt_name = "text";              // text -> int4: never
    if (c.name == "country_id") c.udt_name = "varchar";      // no foreign key on a mistyped column
    if (c.name == "country_id") existing.tables["res_partner"].foreign_keys.clear();
  }
  existing.tables["res_partner"].foreign_keys.push_back(
      {"res_partner_parent_id_fkey", "parent_id", "res_partner", "id", ForeignKeyAction::kSetNull});
  SchemaPlan plan = PlanSchemaChanges(wanted, existing);
  auto widened = ChangesOf<WidenColumn>(plan);
  ASSERT_EQ(widened.size(), 2u);
  EXPECT_EQ(widened[0]->column, "ref");
  EXPECT_EQ(widened[1]->column, "comment");
  EXPECT_TRUE(HasWarning(plan, "res_partner.color is text but res.partner.color wants int4: not converted"));
  EXPECT_EQ(ForeignKeyOn(plan, "res_partner", "country_id"), nullptr);
  // Every foreign key was dropped above; they come back, parent_id's replacing the wrong one.
  const AddForeignKey* parent = ForeignKeyOn(plan, "res_partner", "parent_id");
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->ondelete, OnDelete::kCascade);
}

TEST(SchemaPlanTest, ForeignKeyWithOtherOndeleteIsReplaced) {
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

TEST(SchemaPlanTest, ViewsAndBrokenLinkTablesAreLeftAlone) {
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
