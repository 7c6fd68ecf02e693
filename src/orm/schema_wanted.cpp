#include "orm/schema_wanted.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "db/identifier.hpp"
#include "orm/schema_names.hpp"

namespace citadel::orm {
namespace {

using core::ErrorCode;
using core::Fail;

// odoo.tools.sql.SQL_ORDER_BY_TYPE: 4-byte aligned columns first, then
// 1-byte, then 8-byte ones, which keeps rows free of padding.
int CreationRank(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt4:
      return 1;
    case ColumnKind::kVarchar:
      return 2;
    case ColumnKind::kDate:
      return 3;
    case ColumnKind::kText:
      return 5;
    case ColumnKind::kNumeric:
      return 6;
    case ColumnKind::kBool:
      return 7;
    case ColumnKind::kTimestamp:
      return 8;
    case ColumnKind::kFloat8:
      return 9;
  }
  return 16;
}

// A constant default as the text PostgreSQL reads for the column; nullopt for
// no default, a default computed at run time, or a value that is not a scalar.
std::optional<std::string> FillValueOf(const FieldDef& def) {
  if (!def.default_value || !def.default_value->constant) return std::nullopt;
  const Value& value = *def.default_value->constant;
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  if (value.is_string()) return value.get<std::string>();
  return std::nullopt;
}

core::Result<void> CheckName(const std::string& name, const std::string& what) {
  if (auto problem = db::Identifier::Problem(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                what + " \"" + name + "\" cannot be a PostgreSQL name: " + *problem);
  }
  return {};
}

OnDelete ManyToOneOnDelete(const FieldDef& def) {
  if (def.required && def.ondelete == OnDelete::kSetNull) return OnDelete::kRestrict;
  return def.ondelete;
}

struct ForeignKeyCollector {
  // (table, column) -> key; `force` replaces, otherwise the first one stays,
  // as Odoo's registry.add_foreign_key(force=...).
  std::map<std::pair<std::string, std::string>, WantedForeignKey> keys;
  std::vector<std::pair<std::string, std::string>> order;

  void Add(WantedForeignKey key, bool force) {
    auto id = std::make_pair(key.table, key.column);
    auto it = keys.find(id);
    if (it == keys.end()) {
      order.push_back(id);
      keys.emplace(id, std::move(key));
    } else if (force) {
      it->second = std::move(key);
    }
  }
};

core::Result<void> DescribeModel(const Model& model, WantedSchema& schema, ForeignKeyCollector& fks,
                                 std::map<std::string, std::size_t>& link_by_relation) {
  if (auto ok = CheckName(model.table(), "the table of model " + model.name()); !ok) return ok;
  if (!model.auto_table()) {
    schema.model_inits.push_back({model.table(), model.name(), model.init_sql()});
    return {};
  }
  WantedTable table{model.table(), model.name(), {}};
  for (const auto& field_ptr : model.fields()) {
    const Field& field = *field_ptr;
    const FieldDef& def = field.def();
    const std::string where = "model " + model.name() + ", field " + def.name;
    if (def.type == FieldType::kMany2many && def.store.value_or(true) && def.related.empty()) {
      for (const std::string* name : {&def.relation, &def.column1, &def.column2}) {
        if (auto ok = CheckName(*name, where + ": link table name"); !ok) return ok;
      }
      auto [it, inserted] = link_by_relation.emplace(def.relation, schema.link_tables.size());
      if (inserted) {
        schema.link_tables.push_back(
            {def.relation, def.column1, def.column2, model.name() + "." + def.name});
        schema.indexes.push_back({"", def.relation, {def.column2, def.column1}});
      } else {
        const WantedLinkTable& first = schema.link_tables[it->second];
        const bool same = (first.column1 == def.column1 && first.column2 == def.column2) ||
                          (first.column1 == def.column2 && first.column2 == def.column1);
        if (!same) {
          return Fail(ErrorCode::kInvalidArgument,
                      where + ": link table " + def.relation +
                          " is already described with other columns by " + first.description);
        }
      }
      fks.Add({def.relation, def.column1, model.table(), OnDelete::kCascade}, false);
      OnDelete to_comodel =
          def.ondelete == OnDelete::kRestrict ? OnDelete::kRestrict : OnDelete::kCascade;
      fks.Add({def.relation, def.column2, field.comodel()->table(), to_comodel}, true);
      continue;
    }
    if (def.name == "id") continue;  // the SERIAL primary key, made with the table
    std::optional<ColumnType> type = ColumnTypeOf(field);
    if (!type) continue;
    if (auto ok = CheckName(def.name, where + ": column"); !ok) return ok;
    WantedColumn column;
    column.name = def.name;
    column.type = *type;
    // A binary column holds a file store reference: its default (base64)
    // is no reference, and existing rows have none to fill NOT NULL with.
    const bool binary = def.type == FieldType::kBinary;
    column.not_null = def.required && !binary;
    column.fill_value = binary ? std::nullopt : FillValueOf(def);
    column.computed = !def.compute.empty() || !def.related.empty();  // related: a compute too (Odoo)
    column.model = model.name();
    column.field = def.name;
    table.columns.push_back(std::move(column));
    if (def.type == FieldType::kMany2one) {
      fks.Add({model.table(), def.name, field.comodel()->table(), ManyToOneOnDelete(def)}, true);
    }
    if (def.index) {
      schema.indexes.push_back({IndexNameOf(model.table(), def.name), model.table(), {def.name}});
    }
  }
  std::stable_sort(table.columns.begin(), table.columns.end(),
                   [](const WantedColumn& a, const WantedColumn& b) {
                     return CreationRank(a.type.kind) < CreationRank(b.type.kind);
                   });

  for (const SqlConstraint& constraint : model.sql_constraints()) {
    const std::string where = "model " + model.name() + ", SQL constraint " + constraint.name;
    auto parsed = ParseSqlConstraint(constraint.definition);
    if (!parsed) return Fail(ErrorCode::kInvalidArgument, where + ": " + parsed.error().message);
    if (parsed->kind == ParsedSqlConstraint::Kind::kCheck) {
      schema.warnings.push_back(where + " (" + constraint.definition +
                                "): check constraints are not installed by the schema sync yet");
      continue;
    }
    for (const std::string& column : parsed->columns) {
      const Field* field = model.FindField(column);
      // A binary's column holds a reference, not its value (Odoo: no column).
      if (!table.FindColumn(column) || (field != nullptr && field->type() == FieldType::kBinary)) {
        return Fail(ErrorCode::kInvalidArgument,
                    where + ": " + column + " is not a stored column of the model");
      }
    }
    std::string name = SqlConstraintNameOf(model.table(), constraint.name);
    if (auto ok = CheckName(name, where + ": constraint name"); !ok) return ok;
    schema.unique_constraints.push_back({model.table(), std::move(name), parsed->columns});
  }
  schema.tables.push_back(std::move(table));
  return {};
}

}  // namespace

const WantedColumn* WantedTable::FindColumn(std::string_view column) const {
  auto it = std::find_if(columns.begin(), columns.end(),
                         [&](const WantedColumn& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

std::vector<std::string> WantedSchema::TableNames() const {
  std::vector<std::string> names;
  for (const auto& table : tables) names.push_back(table.name);
  for (const auto& link : link_tables) names.push_back(link.relation);
  for (const auto& init : model_inits) names.push_back(init.table);
  return names;
}

core::Result<WantedSchema> DescribeWantedSchema(const Registry& registry) {
  WantedSchema schema;
  ForeignKeyCollector fks;
  std::map<std::string, std::size_t> link_by_relation;
  for (const auto& model : registry.models()) {
    if (auto ok = DescribeModel(*model, schema, fks, link_by_relation); !ok) {
      return core::Unexpected(ok.error());
    }
  }
  for (const auto& link : schema.link_tables) {
    if (std::any_of(schema.tables.begin(), schema.tables.end(),
                    [&](const WantedTable& t) { return t.name == link.relation; }) ||
        std::any_of(schema.model_inits.begin(), schema.model_inits.end(),
                    [&](const WantedModelInit& m) { return m.table == link.relation; })) {
      return Fail(ErrorCode::kInvalidArgument, "link table " + link.relation + " of " +
                                                   link.description + " is also a model's table");
    }
  }
  for (const auto& id : fks.order) schema.foreign_keys.push_back(fks.keys.at(id));
  return schema;
}

}  // namespace citadel::orm
