// RecordSet::Read: one query for the rows, one per many2one field for the
// display names, one per x2many field for the ids, whatever the row count;
// non-stored computed and related fields in one batch per compute method
// (compute_read.cpp); binary contents from the file store (binary_column.hpp).
// The fields and the dicts are RowReader's (crud_read_rows.hpp), shared with
// SearchRead.
//
// Ids that no longer exist are left out, never a MissingError, as Odoo 18's
// read (models.py: fetch() reads what its query finds, _read_format() drops a
// record whose field access raises MissingError): a client's search then read
// is two transactions, and a record deleted between them must not fail a
// list. Ids hidden by a read rule stay an AccessError, checked in the same
// query (AccessGuard::RecordsAllowedSql).
#include <map>
#include <optional>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_read_rows.hpp"
#include "orm/crud_sql.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {

Value RecordSet::Read(const std::vector<std::string>& names) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  AccessGuard::CheckModel(env, model, Operation::kRead);
  const crud::RowReader reader(env, model, names);
  if (ids_.empty()) return Value::array();
  if (reader.ids_only()) {  // read(ids, ['id']): Odoo answers every id, deleted or not
    AccessGuard::CheckRecords(env, model, Operation::kRead, ids_);
    Value out = Value::array();
    for (std::int64_t id : ids_) out.push_back(Value{{"id", id}});
    return out;
  }

  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql("SELECT ");
  sql.Append(reader.SelectList());
  // The read rules in the same statement (last column): a row outside them
  // is an AccessError, as CheckRecords would have said in a query of its own.
  const std::optional<db::ComposedSql> allowed =
      AccessGuard::RecordsAllowedSql(env, model, Operation::kRead, alias);
  if (allowed) sql.Sql(", ").Append(*allowed);
  sql.Sql(" FROM ").Name(crud_sql::Name(model.table())).Sql(" AS ").Name(alias).Sql(" WHERE ");
  sql.Append(crud_sql::IdIn(alias, ids_));
  const db::QueryResult rows = env.Execute(sql);
  if (allowed) {
    const int column = reader.selected_columns();
    for (int row = 0; row < rows.rows(); ++row) {
      if (rows.Get(row, column) != "t") AccessGuard::RefuseRecords(model, Operation::kRead);
    }
  }

  std::map<std::int64_t, Value> records;
  for (Value& record : reader.Records(rows)) {
    const std::int64_t id = record["id"].get<std::int64_t>();
    records.emplace(id, std::move(record));
  }
  if (reader.keeps_deleted()) {
    for (std::int64_t id : ids_) {
      if (!records.contains(id)) records.emplace(id, reader.DeletedRecord(id));
    }
  }
  Value out = Value::array();
  for (std::int64_t id : ids_) {
    if (auto it = records.find(id); it != records.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace citadel::orm
