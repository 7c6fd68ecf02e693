// LinkedRecords (compute_linked_records.hpp): records in the database that
// new records link to, read by column, once, for the stored computes that
// run before their INSERT.
#include "orm/compute_linked_records.hpp"

#include <string>
#include <vector>

#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"

namespace citadel::orm::compute {

std::pair<std::string_view, std::string_view> SplitPathHead(std::string_view path) {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos) return {path, {}};
  return {path.substr(0, dot), path.substr(dot + 1)};
}

bool ComputesDisplayName(const Model& model) {
  const Field* display_name = model.FindField("display_name");
  return display_name != nullptr && display_name->computed();
}

const Field* DisplayNameColumn(const Model& model) {
  if (ComputesDisplayName(model)) return nullptr;
  return crud::IsTextual(model.rec_name()) ? model.rec_name() : nullptr;
}

void ExpectPathColumns(LinkedColumns& columns, const Model& model, std::string_view path) {
  const auto [first, rest] = SplitPathHead(path);
  const Field* field = model.FindField(first);
  if (field == nullptr || !crud::HasColumn(*field)) return;
  columns[&model].insert(field);
  if (field->type() != FieldType::kMany2one) return;
  ExpectDisplayNameColumn(columns, *field->comodel());
  if (!rest.empty()) ExpectPathColumns(columns, *field->comodel(), rest);
}

void ExpectDisplayNameColumn(LinkedColumns& columns, const Model& model) {
  if (const Field* column = DisplayNameColumn(model)) columns[&model].insert(column);
}

void LinkedRecords::ExpectDisplayName(const Model& model) { ExpectDisplayNameColumn(columns_, model); }

const Value* LinkedRecords::Column(const Model& model, std::int64_t id, const Field& field) const {
  auto by_model = rows_.find(&model);
  if (by_model == rows_.end()) return nullptr;
  auto row = by_model->second.find(id);
  if (row == by_model->second.end()) return nullptr;
  auto value = row->second.find(&field);
  return value == row->second.end() ? nullptr : &value->second;
}

std::optional<Value> LinkedRecords::Many2oneValue(const Model& model, std::int64_t id, Needs* needs) {
  if (ComputesDisplayName(model)) return std::nullopt;  // its method could read anything
  const Field* column = DisplayNameColumn(model);
  if (column == nullptr) return Value::array({id, crud::FallbackName(model, id)});
  if (missing_.contains({&model, id})) return std::nullopt;
  const Value* name = Column(model, id, *column);
  if (name == nullptr) {
    if (needs == nullptr) return std::nullopt;
    columns_[&model].insert(column);
    needs->records[&model].insert(id);
    return Value(false);
  }
  return Value::array({id, name->is_string() ? *name : Value(crud::FallbackName(model, id))});
}

std::optional<Value> LinkedRecords::Resolve(const Model& model, std::int64_t id, std::string_view path, Needs* needs) {
  if (missing_.contains({&model, id})) return std::nullopt;
  const auto [first, rest] = SplitPathHead(path);
  const Field* field = model.FindField(first);
  if (field == nullptr || !crud::HasColumn(*field)) return std::nullopt;
  const Value* value = Column(model, id, *field);
  if (value == nullptr) {
    if (needs == nullptr) return std::nullopt;
    columns_[&model].insert(field);
    needs->records[&model].insert(id);
    return Value(false);
  }
  if (field->type() != FieldType::kMany2one) {
    if (!rest.empty()) return std::nullopt;
    return *value;
  }
  if (!value->is_number_integer()) return Value(false);  // an empty link: false, there and beyond
  const std::int64_t target = value->get<std::int64_t>();
  if (rest.empty()) return Many2oneValue(*field->comodel(), target, needs);
  return Resolve(*field->comodel(), target, rest, needs);
}

void LinkedRecords::Fetch(const Needs& needs) {
  for (const auto& [model, ids] : needs.records) {
    std::vector<std::int64_t> to_read;
    for (std::int64_t id : ids) {
      if (!missing_.contains({model, id})) to_read.push_back(id);
    }
    if (to_read.empty()) continue;
    const std::vector<const Field*> columns(columns_[model].begin(), columns_[model].end());
    const db::Identifier& alias = crud_sql::RootAlias();
    db::ComposedSql sql("SELECT ");
    sql.Qualified(alias, crud_sql::Name("id"));
    for (const Field* field : columns) sql.Sql(", ").Qualified(alias, crud_sql::Name(field->column()));
    sql.Sql(" FROM ").Name(crud_sql::Name(model->table())).Sql(" AS ").Name(alias).Sql(" WHERE ");
    sql.Append(crud_sql::IdIn(alias, to_read));
    const db::QueryResult result = su_.Execute(sql);
    const std::vector<std::int64_t> found = crud_sql::IdsOf(result);
    auto& rows = rows_[model];
    for (int r = 0; r < result.rows(); ++r) {
      auto& row = rows[found[r]];
      for (std::size_t c = 0; c < columns.size(); ++c) {
        row[columns[c]] = crud::ColumnValue(*columns[c], result.Get(r, static_cast<int>(c) + 1));
      }
    }
    for (std::int64_t id : to_read) {
      if (!rows.contains(id)) missing_.insert({model, id});
    }
  }
}

}  // namespace citadel::orm::compute
