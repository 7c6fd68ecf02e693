// RecordSet::Read: one query for the rows, one per many2one field for the
// display names, one per x2many field for the ids, whatever the row count;
// non-stored computed and related fields in one batch per compute method
// (compute_read.cpp); binary contents from the file store (binary_column.hpp).
//
// Ids that no longer exist are left out, never a MissingError, as Odoo 18's
// read (models.py: fetch() reads what its query finds, _read_format() drops a
// record whose field access raises MissingError): a client's search then read
// is two transactions, and a record deleted between them must not fail a
// list. Ids hidden by a read rule stay an AccessError, checked in the same
// query (AccessGuard::RecordsAllowedSql).
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
#include "orm/record_set.hpp"

namespace citadel::orm {
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
  return crud::HasColumn(field);
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
        .Sql(" = ANY(")
        .Value(crud_sql::IdArray(ids))
        .Sql("::int8[])");
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
        .Sql(" = ANY(")
        .Value(crud_sql::IdArray(ids))
        .Sql("::int8[])");
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

Value RecordSet::Read(const std::vector<std::string>& names) const { return ReadRows(names, true); }

Value RecordSet::ReadSearched(const std::vector<std::string>& names) const {
  return ReadRows(names, false);
}

Value RecordSet::ReadRows(const std::vector<std::string>& names, bool check_access) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  if (check_access) AccessGuard::CheckModel(env, model, Operation::kRead);
  const std::vector<const Field*> fields = Resolve(env, model, names);
  if (ids_.empty()) return Value::array();
  if (fields.empty()) {  // read(ids, ['id']): Odoo answers every id, deleted or not
    if (check_access) AccessGuard::CheckRecords(env, model, Operation::kRead, ids_);
    Value out = Value::array();
    for (std::int64_t id : ids_) out.push_back(Value{{"id", id}});
    return out;
  }

  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql("SELECT ");
  sql.Qualified(alias, crud_sql::Name("id"));
  std::vector<const Field*> columns;
  std::vector<const Field*> computed;  // non-stored computed and related fields
  const Field* display_name = model.FindField("display_name");
  const Field* rec_name = crud::IsTextual(model.rec_name()) && !display_name->computed() ? model.rec_name() : nullptr;
  for (const Field* field : fields) {
    if (crud::HasColumn(*field) || crud::HasReferenceColumn(*field)) {
      columns.push_back(field);
    } else if (field->computed()) {
      computed.push_back(field);
    }
  }
  for (const Field* field : columns) sql.Sql(", ").Qualified(alias, crud_sql::Name(field->column()));
  if (rec_name != nullptr) sql.Sql(", ").Qualified(alias, crud_sql::Name(rec_name->column()));
  // The read rules in the same statement (last column): a row outside them
  // is an AccessError, as CheckRecords would have said in a query of its own.
  std::optional<db::ComposedSql> allowed;
  if (check_access) allowed = AccessGuard::RecordsAllowedSql(env, model, Operation::kRead, alias);
  if (allowed) sql.Sql(", ").Append(*allowed);
  sql.Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Sql(" WHERE ");
  sql.Append(crud_sql::IdIn(alias, ids_));
  db::QueryResult rows = env.Execute(sql);
  if (allowed) {
    const int column = rows.columns() - 1;
    for (int row = 0; row < rows.rows(); ++row) {
      if (rows.Get(row, column) != "t") AccessGuard::RefuseRecords(model, Operation::kRead);
    }
  }

  std::map<std::int64_t, Value> records;
  const std::vector<std::int64_t> found = crud_sql::IdsOf(rows);
  std::map<const Field*, std::set<std::int64_t>> many2one_ids;
  const crud::BinaryReader binaries(env);
  for (int row = 0; row < rows.rows(); ++row) {
    Value record = Value::object();
    record["id"] = found[row];
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto text = rows.Get(row, static_cast<int>(i) + 1);
      record[columns[i]->name()] = crud::HasReferenceColumn(*columns[i])
                                       ? binaries.Read(*columns[i], text)
                                       : crud::ColumnValue(*columns[i], text);
      if (columns[i]->type() == FieldType::kMany2one && record[columns[i]->name()].is_number()) {
        many2one_ids[columns[i]].insert(record[columns[i]->name()].get<std::int64_t>());
      }
    }
    for (const Field* field : fields) {
      if (field->computed()) continue;
      if (field->name() == "display_name") {
        auto text = rec_name != nullptr ? rows.Get(row, static_cast<int>(columns.size()) + 1)
                                        : std::nullopt;
        record["display_name"] = text ? Value(std::string(*text)) : Value(crud::FallbackName(model, found[row]));
      } else if (!crud::HasColumn(*field) && !crud::HasReferenceColumn(*field) && !IsX2many(field->type())) {
        record[field->name()] = false;  // a non-stored binary without compute: nothing to read
      }
    }
    records[found[row]] = std::move(record);
  }
  bool keeps_deleted = true;
  for (const Field* field : fields) keeps_deleted = keeps_deleted && !NeedsTheRow(model, *field);
  if (keeps_deleted) {
    for (std::int64_t id : ids_) {
      if (records.contains(id)) continue;
      Value record = Value::object();
      record["id"] = id;
      for (const Field* field : fields) {
        if (field->name() == "display_name") {
          record["display_name"] = crud::FallbackName(model, id);
        } else if (!IsX2many(field->type())) {
          record[field->name()] = false;  // a binary: no attachment
        }
      }
      records[id] = std::move(record);
    }
  }
  if (records.empty()) return Value::array();

  for (const auto& [field, targets] : many2one_ids) {
    const auto names_of = compute::DisplayNames(env, *field->comodel(),
                                       std::vector<std::int64_t>(targets.begin(), targets.end()));
    for (auto& [id, record] : records) {
      Value& value = record[field->name()];
      if (!value.is_number()) continue;
      auto it = names_of.find(value.get<std::int64_t>());
      value = Value::array({value, it != names_of.end() ? it->second : Value(false)});
    }
  }
  for (const auto& [field, values] : compute::ComputeForRead(env, model, found, computed)) {
    for (auto& [id, record] : records) record[field->name()] = values.at(id);
  }
  for (const Field* field : fields) {
    if (!IsX2many(field->type()) || field->computed()) continue;
    const auto linked =
        found.empty() ? std::map<std::int64_t, Value>() : X2manyIds(env, *field, found);
    for (auto& [id, record] : records) {
      auto it = linked.find(id);
      record[field->name()] = it != linked.end() ? it->second : Value::array();
    }
  }

  Value out = Value::array();
  for (std::int64_t id : ids_) {
    if (auto it = records.find(id); it != records.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace citadel::orm
