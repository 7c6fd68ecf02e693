// RecordSet::Create: defaults, required fields, the stored computes that can
// be computed before the INSERT (compute_new_records.hpp), one INSERT per
// record carrying them and the log-access columns (unless the model has
// none), x2many commands, the other stored computes and what the new values
// make stale elsewhere, then the create rules on the new rows (Odoo checks
// them after inserting, its computes flushed; the transaction rolls back),
// inverses (related fields written through) and after_create hooks.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "orm/access_guard.hpp"
#include "orm/compute_engine.hpp"
#include "orm/compute_new_records.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

// Odoo's _add_missing_default_values, first half: a `default_<field>` key of
// the context fills a field the caller left out. Only the model's fields
// (default_get would also answer other names), and, as default_get, none of
// groups the caller is not in (a context travels to every model a call
// creates in); the caller's own value wins.
void AddContextDefaults(const Environment& env, const Model& model, Value& vals) {
  if (env.context().empty()) return;
  for (const auto& field : model.fields()) {
    if (vals.contains(field->name()) || !AccessGuard::InFieldGroups(env, *field)) continue;
    auto it = env.context().find("default_" + field->name());
    if (it != env.context().end()) vals[field->name()] = crud::DefaultInWriteShape(field.get(), *it);
  }
}

// The module's defaults (a constant or a function) for what is still missing.
void AddDefaults(const Environment& env, const Model& model, Value& vals) {
  for (const auto& field : model.fields()) {
    const auto& def = field->def().default_value;
    if (!def || vals.contains(field->name())) continue;
    if (def->function) {
      vals[field->name()] = def->function(env);
    } else if (def->constant) {
      vals[field->name()] = *def->constant;
    }
  }
}

void CheckRequired(const Model& model, const Value& vals) {
  for (const auto& field : model.fields()) {
    // A computed field gets its value after the insert.
    if (!field->def().required || field->computed()) continue;
    if (!crud::HasColumn(*field) && !crud::HasReferenceColumn(*field)) continue;
    auto it = vals.find(field->name());
    if (it == vals.end() || (IsEmptyValue(*it) && field->type() != FieldType::kBoolean)) {
      const std::string label = field->def().string.empty() ? field->name() : field->def().string;
      throw ValidationError("The field '" + label + "' (" + field->name() + ") of '" +
                            (model.description().empty() ? model.name() : model.description()) +
                            "' (" + model.name() + ") is required.");
    }
  }
}

// One record's values, checked and bound, before its INSERT.
struct Prepared {
  crud::SplitVals split;
  std::vector<std::pair<const Field*, db::Param>> columns;  // split.columns, bound
};

// INSERT INTO t AS t0 ([id, ]columns..., log access) VALUES (...)
// RETURNING id[, allowed]. `id`: the one taken for it, or 0. `itself`:
// many2one columns holding the record's own id, not known yet: the id is
// then taken from the table's sequence in the statement, for both,
// INSERT ... SELECT n.id, ..., n.id FROM (SELECT nextval(...) AS id) AS n.
// `allowed`: the create rules on the new row, when the INSERT answers them
// (CreateRulesInInsert).
db::ComposedSql InsertSql(const Environment& env, const Model& model, std::int64_t id,
                          const std::vector<std::pair<const Field*, db::Param>>& columns,
                          const std::set<const Field*>& itself, const std::optional<db::ComposedSql>& allowed) {
  const db::Identifier taken = crud_sql::Name("n");
  db::ComposedSql sql("INSERT INTO ");
  sql.Name(crud_sql::Name(model.table())).Sql(" AS ").Name(crud_sql::RootAlias());
  if (columns.empty() && id == 0 && itself.empty() && !model.log_access()) {
    sql.Sql(" DEFAULT VALUES RETURNING id");
    if (allowed) sql.Sql(", ").Append(*allowed);
    return sql;
  }
  bool first = true;
  auto separate = [&] {
    if (!first) sql.Sql(", ");
    first = false;
  };
  sql.Sql(" (");
  if (id != 0 || !itself.empty()) {
    separate();
    sql.Name(crud_sql::Name("id"));
  }
  for (const auto& [field, param] : columns) {
    separate();
    sql.Name(crud_sql::Name(field->column()));
  }
  for (const Field* field : itself) {
    separate();
    sql.Name(crud_sql::Name(field->column()));
  }
  // Odoo's _log_access = False: only the fields' own columns.
  if (model.log_access()) {
    separate();
    sql.Sql("create_uid, create_date, write_uid, write_date");
  }
  if (itself.empty()) {
    sql.Sql(") VALUES (");
  } else {
    sql.Sql(") SELECT ");
  }
  first = true;
  if (!itself.empty()) {
    separate();
    sql.Qualified(taken, crud_sql::Name("id"));
  } else if (id != 0) {
    separate();
    sql.Value(db::ToParam(id));
  }
  for (const auto& [field, param] : columns) {
    separate();
    sql.Value(param);
  }
  for (std::size_t i = 0; i < itself.size(); ++i) {
    separate();
    sql.Qualified(taken, crud_sql::Name("id"));
  }
  if (model.log_access()) {
    separate();
    sql.Value(db::ToParam(env.uid()))
        .Sql(", now() at time zone 'UTC', ")
        .Value(db::ToParam(env.uid()))
        .Sql(", now() at time zone 'UTC'");
  }
  if (itself.empty()) {
    sql.Sql(")");
  } else {
    sql.Sql(" FROM (SELECT nextval(pg_get_serial_sequence(")
        .Value("\"" + crud_sql::Name(model.table()).str() + "\"")
        .Sql(", 'id')::regclass) AS ")
        .Name(crud_sql::Name("id"))
        .Sql(") AS ")
        .Name(taken);
  }
  sql.Sql(" RETURNING id");
  if (allowed) sql.Sql(", ").Append(*allowed);
  return sql;
}

// The create rules (AccessGuard's, as Read puts its read rules in its query)
// evaluated by the INSERT itself on the row it inserts, which carries its
// stored computes: the answer CheckRecords would give after the recompute,
// as long as nothing changes the row or what the rules read in between (no
// x2many commands, nothing left to recompute: the caller checks) and the
// rules read no other row of the table (the INSERT's own statement cannot
// see the rows it inserts). nullopt: CheckRecords after the recompute.
std::optional<db::ComposedSql> CreateRulesInInsert(const Environment& env, const Model& model,
                                                   const std::vector<Prepared>& prepared) {
  for (const Prepared& record : prepared) {
    if (!record.split.x2many.empty()) return std::nullopt;
  }
  std::optional<db::ComposedSql> allowed =
      AccessGuard::RecordsAllowedSql(env, model, Operation::kCreate, crud_sql::RootAlias());
  // Its table named anywhere (a sub-query, a hierarchy, a longer table name
  // that contains it: all refused alike).
  if (allowed && allowed->Text().find(model.table()) != std::string::npos) return std::nullopt;
  return allowed;
}

}  // namespace

std::vector<std::int64_t> RecordSet::Create(const Value& vals_list) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  AccessGuard::CheckModel(env, model, Operation::kCreate);
  const Value list = vals_list.is_object() ? Value::array({vals_list}) : vals_list;
  if (!list.is_array()) throw ValidationError("create takes a dictionary or a list of them.");
  std::vector<Prepared> prepared;
  prepared.reserve(list.size());
  // Editable computed fields given a value keep it (Odoo protects them);
  // a readonly one is computed whatever it was given.
  std::vector<std::pair<const Field*, std::size_t>> kept;
  for (const Value& given : list) {
    // The caller's values and context defaults are checked with the caller's
    // rights; the module's defaults after them are not the caller's doing.
    Value vals = given;
    AddContextDefaults(env, model, vals);
    crud::SplitVals split = crud::Split(env, model, vals, Operation::kCreate);
    AddDefaults(env, model, vals);
    CheckRequired(model, vals);
    Prepared record{crud::Split(env.Sudo(), model, vals, Operation::kCreate), {}};
    // Bound once: a binary value is stored in the file store here.
    for (const auto& [field, value] : record.split.columns) {
      record.columns.emplace_back(field, crud::ColumnParam(env, *field, value));
    }
    for (const auto& [field, value] : record.split.columns) {
      if (field->computed() && !field->readonly()) kept.emplace_back(field, prepared.size());
    }
    for (const auto& [field, value] : record.split.x2many) {
      if (field->computed() && !field->readonly()) kept.emplace_back(field, prepared.size());
    }
    prepared.push_back(std::move(record));
  }

  // The stored computes that can be are computed before the INSERTs, which
  // carry them. Not when a given value is kept: the recompute after the
  // INSERT decides what such a value yields to, and nothing here copies it.
  compute::Precomputed precomputed;
  if (kept.empty()) {
    std::vector<compute::NewRecord> records;
    records.reserve(prepared.size());
    for (const Prepared& record : prepared) {
      compute::NewRecord& added = records.emplace_back();
      added.columns = &record.columns;
      for (const auto& [field, commands] : record.split.x2many) added.x2many.insert(field);
    }
    precomputed = compute::PrecomputeStored(env, model, records);
  }

  const std::optional<db::ComposedSql> allowed = CreateRulesInInsert(env, model, prepared);
  bool refused = false;
  std::vector<std::int64_t> created;
  compute::Pending pending;
  std::vector<std::pair<std::int64_t, std::vector<std::pair<const Field*, Value>>>> inversed;
  for (std::size_t r = 0; r < prepared.size(); ++r) {
    Prepared& record = prepared[r];
    std::vector<std::pair<const Field*, db::Param>> columns = std::move(record.columns);
    std::vector<const Field*> written;
    for (const auto& [field, param] : columns) written.push_back(field);
    if (!precomputed.columns.empty()) {
      for (auto& [field, param] : precomputed.columns[r]) {
        auto it = std::find_if(columns.begin(), columns.end(), [&](const auto& column) { return column.first == field; });
        if (it != columns.end()) {
          it->second = std::move(param);
        } else {
          columns.emplace_back(field, std::move(param));
          written.push_back(field);
        }
      }
    }
    const std::int64_t reserved = precomputed.ids.empty() ? 0 : precomputed.ids[r];
    static const std::set<const Field*> kNone;
    const std::set<const Field*>& itself = precomputed.itself.empty() ? kNone : precomputed.itself[r];
    for (const Field* field : itself) written.push_back(field);
    const db::QueryResult inserted = env.Execute(InsertSql(env, model, reserved, columns, itself, allowed));
    const std::int64_t id = crud_sql::IdsOf(inserted).at(0);
    if (allowed && inserted.Get(0, 1) != "t") refused = true;
    const crud::SplitVals& split = record.split;
    for (const auto& [field, commands] : split.x2many) crud::ApplyX2many(env, *field, id, commands);
    created.push_back(id);
    const std::int64_t one[] = {id};
    for (const auto& [field, value] : split.x2many) written.push_back(field);
    // Without x2many commands nothing but the new records themselves can
    // reference them yet, and their stored computes are settled or pending.
    compute::CollectModified(env, model, written, one, pending,
                             split.x2many.empty() ? compute::Referenced::kNotYet : compute::Referenced::kMaybe);
    if (!split.inversed.empty()) inversed.emplace_back(id, split.inversed);
  }
  // What was computed before the INSERTs is settled on the new records; the
  // rest is computed now, and anything that changes makes them stale again.
  for (const Field* field : precomputed.fields) {
    auto it = pending.find(field);
    if (it == pending.end()) continue;
    for (std::int64_t id : created) it->second.erase(id);
  }
  compute::AddStoredComputes(model, created, pending, precomputed.fields);
  for (const auto& [field, row] : kept) {
    for (const Field* together : compute::ComputedTogether(*field)) pending[together].erase(created[row]);
  }
  const bool nothing_to_recompute =
      std::all_of(pending.begin(), pending.end(), [](const auto& entry) { return entry.second.empty(); });
  compute::Recompute(env, std::move(pending));
  // After the stored computes, as Odoo's check_access('create') flushes them
  // before its rule query: a rule on a computed column (res.partner's
  // partner_share) must not see it NULL, which let a user of one company
  // create partners in another. The INSERTs' answer holds when the
  // recompute changed nothing.
  if (allowed && nothing_to_recompute) {
    if (refused) AccessGuard::RefuseRecords(model, Operation::kCreate);
  } else {
    AccessGuard::CheckRecords(env, model, Operation::kCreate, created);
  }
  for (const auto& [id, vals] : inversed) compute::ApplyInverses(env, model, {id}, vals);
  compute::RunAfterCreate(env, model, created, list);
  return created;
}

}  // namespace citadel::orm
