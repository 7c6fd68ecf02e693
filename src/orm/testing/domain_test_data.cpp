#include "orm/testing/domain_test_data.hpp"

#include <charconv>
#include <cstdio>
#include <random>

#include "db/composed_sql.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm::testing {
namespace {

using Row = InMemoryDataSet::Row;

class Dice {
 public:
  explicit Dice(std::uint64_t seed) : engine_(seed) {}
  int Between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  template <class T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Between(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// Names with case variants, shared prefixes, LIKE wildcards and a backslash:
// what like/ilike/=like must treat exactly as PostgreSQL does.
const std::vector<std::string> kPartnerNames = {
    "Acme",      "ACME Corp", "acme",     "Agrolait",   "Azure Interior", "Deco Addict", "Gemini",
    "gemini",    "Lumber Inc", "Ready Mat", "Wood Corner", "100% Cotton", "a_b",        "ab",
    "Back\\Slash", "Zed",     "zeta",     "Anna",       "Ann",            "Bob",         " Padded ",
};
const std::vector<std::string> kTagNames = {"Vip",     "vip",      "Gold",   "Gold Plus", "Silver",
                                            "Bronze",  "b_nz",     "100%",   "Prospect",  "Lead",
                                            "Partner", "Customer", "Supplier", "Employee", "Other"};
const std::vector<std::string> kCountryNames = {"Belgium", "France", "Germany", "Spain", "Peru", "Chile", "Japan"};
const std::vector<std::string> kCountryCodes = {"BE", "FR", "DE", "ES", "PE", "CL", "JP"};
const std::vector<std::string> kWords = {"alpha", "beta", "Gamma", "delta", "50%", "x_y", "late", "urgent"};
const std::vector<std::string> kKinds = {"person", "company", "other"};

std::string Date(Dice& dice) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", dice.Between(1990, 2010), dice.Between(1, 12),
                dice.Between(1, 28));
  return text;
}

std::string Datetime(Dice& dice) {
  char text[32];
  const int shape = dice.Between(0, 3);  // midnight and the last second of a day on purpose
  const int hour = shape == 0 ? 0 : shape == 1 ? 23 : dice.Between(0, 23);
  const int minute = shape == 0 ? 0 : shape == 1 ? 59 : dice.Between(0, 59);
  const int second = shape == 0 ? 0 : shape == 1 ? 59 : dice.Between(0, 59);
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d", dice.Between(2023, 2024), dice.Between(1, 2),
                dice.Between(1, 28), hour, minute, second);
  return text;
}

Value Maybe(Dice& dice, double null_chance, Value value) { return dice.Chance(null_chance) ? Value() : value; }

Value Active(Dice& dice) {
  const int roll = dice.Between(0, 19);
  if (roll == 0) return Value();  // an unset active flag: neither archived nor shown
  return roll > 3;
}

// PostgreSQL column types for the test's tables.
db::SqlText ColumnType(const Field& field) {
  switch (field.type()) {
    case FieldType::kChar:
    case FieldType::kSelection: return " varchar";
    case FieldType::kText:
    case FieldType::kHtml: return " text";
    case FieldType::kInteger:
    case FieldType::kMany2one: return " integer";
    case FieldType::kFloat:
      if (field.def().digits) return " numeric";
      return " double precision";
    case FieldType::kMonetary: return " numeric";
    case FieldType::kBoolean: return " boolean";
    case FieldType::kDate: return " date";
    case FieldType::kDatetime: return " timestamp";
    default: return " text";
  }
}

std::vector<const Field*> Columns(const Model& model) {
  std::vector<const Field*> columns;
  for (const auto& field : model.fields()) {
    if (field->stored() && field->type() != FieldType::kBinary) columns.push_back(field.get());
  }
  return columns;
}

db::Identifier Name(const std::string& name) { return *db::Identifier::Make(name); }

db::Param ParamOf(const Value& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_number_float()) {
    char buffer[64];
    auto result = std::to_chars(buffer, buffer + sizeof buffer, value.get<double>());
    return std::string(buffer, result.ptr);
  }
  return value.get<std::string>();
}

core::Result<void> Run(db::Connection& connection, const db::ComposedSql& sql) {
  auto result = connection.ExecuteComposed(sql);
  if (!result) return core::Unexpected(result.error());
  return {};
}

core::Result<void> CreateAndFill(db::Connection& connection, const Model& model, const DomainTestData& data) {
  const auto columns = Columns(model);
  db::ComposedSql create("CREATE TABLE ");
  create.Name(Name(model.table())).Sql(" (");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) create.Sql(", ");
    create.Name(Name(columns[i]->column())).Sql(ColumnType(*columns[i]));
    if (columns[i]->name() == "id") create.Sql(" PRIMARY KEY");
  }
  create.Sql(")");
  if (auto created = Run(connection, create); !created) return created;
  const auto& rows = data.records.Rows(model);
  if (rows.empty()) return {};
  db::ComposedSql insert("INSERT INTO ");
  insert.Name(Name(model.table())).Sql(" (");
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) insert.Sql(", ");
    insert.Name(Name(columns[i]->column()));
  }
  insert.Sql(") VALUES ");
  bool first = true;
  for (const auto& [id, row] : rows) {
    insert.Sql(first ? db::SqlText("(") : db::SqlText(", ("));
    first = false;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) insert.Sql(", ");
      auto it = row.find(columns[i]->name());
      insert.Value(columns[i]->name() == "id" ? db::Param(std::to_string(id))
                                             : ParamOf(it == row.end() ? Value() : it->second));
    }
    insert.Sql(")");
  }
  return Run(connection, insert);
}

core::Result<void> CreateAndFillLinks(db::Connection& connection, const Field& many2many,
                                      const DomainTestData& data) {
  const FieldDef& def = many2many.def();
  db::ComposedSql create("CREATE TABLE ");
  create.Name(Name(def.relation)).Sql(" (").Name(Name(def.column1)).Sql(" integer NOT NULL, ");
  create.Name(Name(def.column2)).Sql(" integer NOT NULL, PRIMARY KEY (").Name(Name(def.column1)).Sql(", ");
  create.Name(Name(def.column2)).Sql("))");
  if (auto created = Run(connection, create); !created) return created;
  const auto& links = data.records.Links(many2many);
  if (links.empty()) return {};
  db::ComposedSql insert("INSERT INTO ");
  insert.Name(Name(def.relation)).Sql(" VALUES ");
  bool first = true;
  for (const auto& [from, to] : links) {
    insert.Sql(first ? db::SqlText("(") : db::SqlText(", (")).Value(std::to_string(from)).Sql(", ");
    insert.Value(std::to_string(to)).Sql(")");
    first = false;
  }
  return Run(connection, insert);
}

}  // namespace

DomainTestData GenerateDomainTestData(std::uint64_t seed, int partners) {
  Dice dice(seed);
  DomainTestData data;
  data.partner_names = kPartnerNames;
  data.tag_names = kTagNames;
  data.country_names = kCountryNames;
  data.country_codes = kCountryCodes;
  data.words = kWords;

  data.countries = static_cast<int>(kCountryNames.size()) + 1;
  for (int id = 1; id <= data.countries; ++id) {
    const bool unnamed = id == data.countries;  // a country without name or code
    data.records.Add(TestCountry(), id,
                     {{"name", unnamed ? Value() : Value(kCountryNames[id - 1])},
                      {"code", unnamed ? Value() : Value(kCountryCodes[id - 1])}});
  }

  data.tags = 20;
  for (int id = 1; id <= data.tags; ++id) {
    Value parent;
    if (id > 3 && dice.Chance(0.6)) parent = dice.Between(1, id - 1);
    if (id == data.tags) parent = data.tags - 1;  // 19 <-> 20: a cycle the walks must survive
    if (id == data.tags - 1) parent = data.tags;
    data.records.Add(TestCategory(), id,
                     {{"name", Maybe(dice, 0.1, dice.Pick(kTagNames))}, {"active", Active(dice)}, {"parent_id", parent}});
  }

  data.partners = partners;
  for (int id = 1; id <= partners; ++id) {
    Row row;
    row["name"] = dice.Chance(0.05) ? Value("") : Maybe(dice, 0.1, dice.Pick(kPartnerNames));
    row["comment"] = Maybe(dice, 0.4, dice.Pick(kWords) + " " + dice.Pick(kWords));
    row["color"] = Maybe(dice, 0.2, dice.Between(-3, 10));
    const double credit = dice.Chance(0.1) ? 0.0 : dice.Between(-10000, 10000) / 100.0;
    row["credit"] = Maybe(dice, 0.2, credit);
    if (!row["credit"].is_null()) data.credits.push_back(credit);
    row["is_company"] = Maybe(dice, 0.2, dice.Chance(0.4));
    const std::string date = Date(dice), datetime = Datetime(dice);
    row["birthday"] = Maybe(dice, 0.25, date);
    row["last_seen"] = Maybe(dice, 0.25, datetime);
    data.dates.push_back(date);
    data.datetimes.push_back(datetime);
    row["kind"] = dice.Chance(0.05) ? Value("") : Maybe(dice, 0.2, dice.Pick(kKinds));
    row["active"] = Active(dice);
    row["parent_id"] = id > 10 && dice.Chance(0.5) ? Value(dice.Between(1, id - 1)) : Value();
    row["country_id"] = Maybe(dice, 0.25, dice.Between(1, data.countries));
    row["main_tag_id"] = Maybe(dice, 0.4, dice.Between(1, data.tags));
    data.records.Add(TestPartner(), id, std::move(row));
    const int links = dice.Between(0, 3);
    for (int i = 0; i < links; ++i) data.records.Link(*TestPartner().FindField("category_id"), id, dice.Between(1, data.tags));
  }
  return data;
}

core::Result<void> LoadDomainTestData(db::Connection& connection, const DomainTestData& data) {
  for (const Model* model : {&TestCountry(), &TestCategory(), &TestPartner()}) {
    if (auto loaded = CreateAndFill(connection, *model, data); !loaded) return loaded;
  }
  return CreateAndFillLinks(connection, *TestPartner().FindField("category_id"), data);
}

}  // namespace citadel::orm::testing
