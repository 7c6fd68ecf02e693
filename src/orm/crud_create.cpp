// RecordSet::Create: defaults, required fields, one INSERT per record with
// the log-access columns, x2many commands, then the create rules on the new
// rows (Odoo checks them after inserting; the transaction rolls back).
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

bool IsEmpty(const Value& value) {
  return value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
         (value.is_string() && value.get_ref<const std::string&>().empty());
}

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
    if (!field->def().required || !crud::HasColumn(*field)) continue;
    auto it = vals.find(field->name());
    if (it == vals.end() || (IsEmpty(*it) && field->type() != FieldType::kBoolean)) {
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
  for (const Value& given : list) {
    // Checked before defaults: defaults are the module's, not the caller's.
    crud::SplitVals split = crud::Split(env, model, given, Operation::kCreate);
    Value vals = given;
    AddDefaults(env, model, vals);
    CheckRequired(model, vals);
    split = crud::Split(env.Sudo(), model, vals, Operation::kCreate);

    db::ComposedSql sql("INSERT INTO ");
    sql.Name(crud_sql::Name(model.table())).Sql(" (");
    for (const auto& [field, value] : split.columns) sql.Name(crud_sql::Name(field->column())).Sql(", ");
    sql.Sql("create_uid, create_date, write_uid, write_date) VALUES (");
    for (const auto& [field, value] : split.columns) sql.Value(crud::ColumnParam(*field, value)).Sql(", ");
    sql.Value(db::ToParam(env.uid()))
        .Sql(", now() at time zone 'UTC', ")
        .Value(db::ToParam(env.uid()))
        .Sql(", now() at time zone 'UTC') RETURNING id");
    const std::int64_t id = crud_sql::IdsOf(env.Execute(sql)).at(0);
    for (const auto& [field, commands] : split.x2many) crud::ApplyX2many(env, *field, id, commands);
    created.push_back(id);
  }
  AccessGuard::CheckRecords(env, model, Operation::kCreate, created);
  return created;
}

}  // namespace citadel::orm
