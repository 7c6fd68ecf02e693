// RecordSet::Create: defaults, required fields, one INSERT per record with
// the log-access columns (unless the model has none), x2many commands, stored
// computes, then the create rules on the new rows (Odoo checks them after
// inserting, its computes flushed; the transaction rolls back), inverses
// (related fields written through) and after_create hooks.
#include <string>

#include "orm/access_guard.hpp"
#include "orm/compute_engine.hpp"
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

}  // namespace

std::vector<std::int64_t> RecordSet::Create(const Value& vals_list) const {
  const Environment& env = *env_;
  const Model& model = *model_;
  AccessGuard::CheckModel(env, model, Operation::kCreate);
  const Value list = vals_list.is_object() ? Value::array({vals_list}) : vals_list;
  if (!list.is_array()) throw ValidationError("create takes a dictionary or a list of them.");
  std::vector<std::int64_t> created;
  compute::Pending pending;
  // Editable computed fields given a value keep it (Odoo protects them);
  // a readonly one is computed whatever it was given.
  std::vector<std::pair<const Field*, std::int64_t>> kept;
  std::vector<std::pair<std::int64_t, std::vector<std::pair<const Field*, Value>>>> inversed;
  for (const Value& given : list) {
    // The caller's values and context defaults are checked with the caller's
    // rights; the module's defaults after them are not the caller's doing.
    Value vals = given;
    AddContextDefaults(env, model, vals);
    crud::SplitVals split = crud::Split(env, model, vals, Operation::kCreate);
    AddDefaults(env, model, vals);
    CheckRequired(model, vals);
    split = crud::Split(env.Sudo(), model, vals, Operation::kCreate);

    db::ComposedSql sql("INSERT INTO ");
    sql.Name(crud_sql::Name(model.table()));
    if (model.log_access()) {
      sql.Sql(" (");
      for (const auto& [field, value] : split.columns) sql.Name(crud_sql::Name(field->column())).Sql(", ");
      sql.Sql("create_uid, create_date, write_uid, write_date) VALUES (");
      for (const auto& [field, value] : split.columns) sql.Value(crud::ColumnParam(env, *field, value)).Sql(", ");
      sql.Value(db::ToParam(env.uid()))
          .Sql(", now() at time zone 'UTC', ")
          .Value(db::ToParam(env.uid()))
          .Sql(", now() at time zone 'UTC') RETURNING id");
    } else if (split.columns.empty()) {
      sql.Sql(" DEFAULT VALUES RETURNING id");
    } else {
      // Odoo's _log_access = False: only the fields' own columns.
      for (std::size_t i = 0; i < split.columns.size(); ++i) {
        if (i == 0) {
          sql.Sql(" (");
        } else {
          sql.Sql(", ");
        }
        sql.Name(crud_sql::Name(split.columns[i].first->column()));
      }
      sql.Sql(") VALUES (");
      for (std::size_t i = 0; i < split.columns.size(); ++i) {
        if (i > 0) sql.Sql(", ");
        sql.Value(crud::ColumnParam(env, *split.columns[i].first, split.columns[i].second));
      }
      sql.Sql(") RETURNING id");
    }
    const std::int64_t id = crud_sql::IdsOf(env.Execute(sql)).at(0);
    for (const auto& [field, commands] : split.x2many) crud::ApplyX2many(env, *field, id, commands);
    created.push_back(id);
    const std::int64_t one[] = {id};
    std::vector<const Field*> written;
    for (const auto& [field, value] : split.columns) written.push_back(field);
    for (const auto& [field, value] : split.x2many) written.push_back(field);
    // Without x2many commands nothing can reference the new record yet.
    compute::CollectModified(env, model, written, one, pending,
                             split.x2many.empty() ? compute::Referenced::kNotYet : compute::Referenced::kMaybe);
    compute::AddStoredComputes(model, one, pending);
    for (const Field* field : written) {
      if (field->computed() && !field->readonly()) kept.emplace_back(field, id);
    }
    if (!split.inversed.empty()) inversed.emplace_back(id, std::move(split.inversed));
  }
  for (const auto& [field, id] : kept) {
    for (const Field* together : compute::ComputedTogether(*field)) pending[together].erase(id);
  }
  compute::Recompute(env, std::move(pending));
  // After the stored computes, as Odoo's check_access('create') flushes them
  // before its rule query: a rule on a computed column (res.partner's
  // partner_share) must not see it NULL, which let a user of one company
  // create partners in another.
  AccessGuard::CheckRecords(env, model, Operation::kCreate, created);
  for (const auto& [id, vals] : inversed) compute::ApplyInverses(env, model, {id}, vals);
  compute::RunAfterCreate(env, model, created, list);
  return created;
}

}  // namespace citadel::orm
