// RowReader (crud_read_rows.hpp): the fields of a read, the columns selected
// for them, and the dicts made from the rows, for Read and SearchRead alike.
#include "orm/crud_read_rows.hpp"

#include <map>
#include <set>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/binary_column.hpp"
#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/errors.hpp"

namespace citadel::orm::crud {
namespace {

// Whether Odoo 18's read of `field` on a deleted record raises MissingError,
// which leaves the record out of the result: fields with a column and
// computed/related ones (their compute reads the record) do; x2many fields
// (read from the comodel: none), attachment binaries (read from
// ir.attachment: none) and a display_name without rec_name ("model,id") do
// not. So read(ids, ['id']) or ['child_ids'] keeps a deleted id, as Odoo's.
bool NeedsTheRow(const Model& model, const Field& field) {
  if (field.name() == "display_name") return field.computed() || model.rec_name() != nullptr;
  if (field.computed()) return true;
  return HasColumn(field);
}

// The fields to read: the named ones (checked), or every readable one.
std::vector<const Field*> Resolve(const Environment& env, const Model& model,
                                  const std::vector<std::string>& names) {
  std::vector<const Field*> fields;
  if (names.empty()) {
    for (const auto& field : model.fields()) {
      if (field->def().write_only || field->name() == "id") continue;
      if (!AccessGuard::InFieldGroups(env, *field)) continue;  // Odoo drops them silently
      fields.push_back(field.get());
    }
    return fields;
  }
  for (const auto& name : names) {
    if (name == "id") continue;
    const Field* field = model.FindField(name);
    if (field == nullptr) {
      throw ValidationError("Invalid field '" + name + "' on model '" + model.name() + "'");
    }
    fields.push_back(field);
  }
  AccessGuard::CheckFields(env, model, fields, Operation::kRead);
  return fields;
}

// record id -> ids of the x2many's comodel records linked to it, in the
// comodel's order, hiding archived and unreadable (rules) records.
std::map<std::int64_t, Value> X2manyIds(const Environment& env, const Field& field,
                                        const std::vector<std::int64_t>& ids) {
  const Model& comodel = *field.comodel();
  const db::Identifier c = crud_sql::Name("c");
  db::ComposedSql sql("SELECT ");
  if (field.type() == FieldType::kOne2many) {
    sql.Qualified(c, crud_sql::Name(field.inverse()->column()))
        .Sql(", ")
        .Qualified(c, crud_sql::Name("id"))
        .Sql(" FROM ")
        .Name(crud_sql::Name(comodel.table()))
        .Sql(" AS ")
        .Name(c)
        .Sql(" WHERE ")
        .Qualified(c, crud_sql::Name(field.inverse()->column()))
        .Append(crud_sql::EqualsAnyOf(ids));
  } else {
    const db::Identifier link = crud_sql::Name(field.def().relation);
    sql.Qualified(link, crud_sql::Name(field.def().column1))
        .Sql(", ")
        .Qualified(c, crud_sql::Name("id"))
        .Sql(" FROM ")
        .Name(link)
        .Sql(" JOIN ")
        .Name(crud_sql::Name(comodel.table()))
        .Sql(" AS ")
        .Name(c)
        .Sql(" ON ")
        .Qualified(c, crud_sql::Name("id"))
        .Sql(" = ")
        .Qualified(link, crud_sql::Name(field.def().column2))
        .Sql(" WHERE ")
        .Qualified(link, crud_sql::Name(field.def().column1))
        .Append(crud_sql::EqualsAnyOf(ids));
  }
  const Domain active =
      Domain::Parse(comodel, WithActiveTest(Value::array(), comodel, env.active_test()));
  sql.Sql(" AND (").Append(CompileDomain(active, c, {.active_test = env.active_test()})).Sql(")");
  if (auto rule = AccessGuard::RuleDomain(env, comodel, Operation::kRead)) {
    sql.Sql(" AND (").Append(CompileDomain(*rule, c, {.active_test = false})).Sql(")");
  }
  sql.Sql(" ORDER BY ");
  for (const OrderTerm& term : comodel.default_order()) {
    sql.Qualified(c, crud_sql::Name(term.field->column()));
    if (term.descending) sql.Sql(" DESC");
    sql.Sql(", ");
  }
  sql.Qualified(c, crud_sql::Name("id"));
  db::QueryResult rows = env.Execute(sql);
  const std::vector<std::int64_t> owners = crud_sql::IdsOf(rows, 0);
  const std::vector<std::int64_t> targets = crud_sql::IdsOf(rows, 1);
  std::map<std::int64_t, Value> out;
  for (std::size_t i = 0; i < owners.size(); ++i) {
    auto [it, inserted] = out.try_emplace(owners[i], Value::array());
    it->second.push_back(targets[i]);
  }
  return out;
}

}  // namespace

RowReader::RowReader(const Environment& env, const Model& model,
                     const std::vector<std::string>& names)
    : env_(&env), model_(&model), fields_(Resolve(env, model, names)) {
  const Field* display_name = model.FindField("display_name");
  for (const Field* field : fields_) {
    if (HasColumn(*field) || HasReferenceColumn(*field)) {
      columns_.push_back(field);
    } else if (field->computed()) {
      computed_.push_back(field);
    } else if (field == display_name && IsTextual(model.rec_name())) {
      rec_name_ = model.rec_name();
    }
  }
}

db::ComposedSql RowReader::SelectList() const {
  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql;
  sql.Qualified(alias, crud_sql::Name("id"));
  for (const Field* field : columns_)
    sql.Sql(", ").Qualified(alias, crud_sql::Name(field->column()));
  if (rec_name_ != nullptr) sql.Sql(", ").Qualified(alias, crud_sql::Name(rec_name_->column()));
  return sql;
}

int RowReader::selected_columns() const {
  return 1 + static_cast<int>(columns_.size()) + (rec_name_ != nullptr ? 1 : 0);
}

Value RowReader::Records(const db::QueryResult& rows) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  const std::vector<std::int64_t> found = crud_sql::IdsOf(rows);
  std::vector<Value> records;
  records.reserve(found.size());
  std::map<const Field*, std::set<std::int64_t>> many2one_ids;
  const BinaryReader binaries(env);
  for (int row = 0; row < rows.rows(); ++row) {
    Value record = Value::object();
    record["id"] = found[row];
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Field& field = *columns_[i];
      const auto text = rows.Get(row, static_cast<int>(i) + 1);
      Value& value = record[field.name()];
      value = HasReferenceColumn(field) ? binaries.Read(field, text) : ColumnValue(field, text);
      if (field.type() == FieldType::kMany2one && value.is_number()) {
        many2one_ids[&field].insert(value.get<std::int64_t>());
      }
    }
    for (const Field* field : fields_) {
      if (field->computed()) continue;
      if (field->name() == "display_name") {
        auto text = rec_name_ != nullptr ? rows.Get(row, static_cast<int>(columns_.size()) + 1)
                                         : std::nullopt;
        record["display_name"] =
            text ? Value(std::string(*text)) : Value(FallbackName(model, found[row]));
      } else if (!HasColumn(*field) && !HasReferenceColumn(*field) && !IsX2many(field->type())) {
        record[field->name()] = false;  // a non-stored binary without compute: nothing to read
      }
    }
    records.push_back(std::move(record));
  }
  if (records.empty()) return Value::array();

  for (const auto& [field, targets] : many2one_ids) {
    const auto names_of = compute::DisplayNames(
        env, *field->comodel(), std::vector<std::int64_t>(targets.begin(), targets.end()));
    for (Value& record : records) {
      Value& value = record[field->name()];
      if (!value.is_number()) continue;
      auto it = names_of.find(value.get<std::int64_t>());
      value = Value::array({value, it != names_of.end() ? it->second : Value(false)});
    }
  }
  for (const auto& [field, values] : compute::ComputeForRead(env, model, found, computed_)) {
    for (std::size_t i = 0; i < records.size(); ++i)
      records[i][field->name()] = values.at(found[i]);
  }
  for (const Field* field : fields_) {
    if (!IsX2many(field->type()) || field->computed()) continue;
    const auto linked = X2manyIds(env, *field, found);
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto it = linked.find(found[i]);
      records[i][field->name()] = it != linked.end() ? it->second : Value::array();
    }
  }

  Value out = Value::array();
  for (Value& record : records) out.push_back(std::move(record));
  return out;
}

bool RowReader::keeps_deleted() const {
  for (const Field* field : fields_) {
    if (NeedsTheRow(*model_, *field)) return false;
  }
  return true;
}

Value RowReader::DeletedRecord(std::int64_t id) const {
  Value record = Value::object();
  record["id"] = id;
  for (const Field* field : fields_) {
    if (field->name() == "display_name") {
      record["display_name"] = FallbackName(*model_, id);
    } else if (!IsX2many(field->type())) {
      record[field->name()] = false;  // a binary: no attachment
    }
  }
  for (const Field* field : fields_) {
    if (IsX2many(field->type()))
      record[field->name()] = Value::array();  // nothing links to a gone row
  }
  return record;
}

}  // namespace citadel::orm::crud
