// RecordSet::Unlink: rights, existence (MissingError), rules, one DELETE.
// Rows that other rows reference with ondelete restrict make PostgreSQL
// refuse; TransactionRunner turns that into a ValidationError. Stored
// computes that went through the deleted records (Odoo's modified before the
// delete), or through a many2one PostgreSQL sets null, are recomputed after.
#include "orm/access_guard.hpp"
#include "orm/compute_engine.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace {

// What the delete makes stale, found while the rows are still there.
compute::Pending StaleAfterUnlink(const Environment& env, const Model& model, const std::vector<std::int64_t>& ids) {
  compute::Pending pending;
  std::vector<const Field*> fields;
  for (const auto& field : model.fields()) {
    if (!field->triggers().empty()) fields.push_back(field.get());
  }
  compute::CollectModified(env, model, fields, ids, pending);
  // Records whose many2one the foreign key sets null: their computes that
  // depend on it.
  Value in = Value::array();
  for (std::int64_t id : ids) in.push_back(id);
  Value context = env.context();
  context["active_test"] = false;
  const Environment su = env.Sudo().WithContext(std::move(context));
  for (const auto& other : env.registry().models()) {
    for (const auto& field : other->fields()) {
      if (field->type() != FieldType::kMany2one || field->comodel() != &model || !crud::HasColumn(*field) ||
          field->def().ondelete != OnDelete::kSetNull || field->triggers().empty()) {
        continue;
      }
      const std::vector<std::int64_t> referers =
          RecordSet(su, *other).Search(Value::array({Value::array({field->name(), "in", in})}));
      const Field* const one[] = {field.get()};
      compute::CollectModified(env, *other, one, referers, pending);
    }
  }
  for (auto& [field, stale] : pending) {
    if (&field->model() != &model) continue;
    for (std::int64_t id : ids) stale.erase(id);
  }
  return pending;
}

}  // namespace

void RecordSet::Unlink() const {
  AccessGuard::CheckModel(*env_, *model_, Operation::kUnlink);
  if (ids_.empty()) return;
  crud::CheckExist(*env_, *model_, ids_);
  AccessGuard::CheckRecords(*env_, *model_, Operation::kUnlink, ids_);
  compute::Pending pending = StaleAfterUnlink(*env_, *model_, ids_);
  db::ComposedSql sql("DELETE FROM ");
  sql.Name(crud_sql::Name(model_->table()))
      .Sql(" AS ")
      .Name(crud_sql::RootAlias())
      .Sql(" WHERE ")
      .Append(crud_sql::IdIn(crud_sql::RootAlias(), ids_));
  env_->Execute(sql);
  compute::Recompute(*env_, std::move(pending));  // rows deleted by cascade are skipped there
}

}  // namespace citadel::orm
