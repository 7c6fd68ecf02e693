// RecordSet::Unlink: rights, existence (MissingError), rules, one DELETE.
// Rows that other rows reference with ondelete restrict make PostgreSQL
// refuse; TransactionRunner turns that into a ValidationError.
#include "orm/access_guard.hpp"
#include "orm/crud_sql.hpp"
#include "orm/crud_support.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {

void RecordSet::Unlink() const {
  AccessGuard::CheckModel(*env_, *model_, Operation::kUnlink);
  if (ids_.empty()) return;
  crud::CheckExist(*env_, *model_, ids_);
  AccessGuard::CheckRecords(*env_, *model_, Operation::kUnlink, ids_);
  db::ComposedSql sql("DELETE FROM ");
  sql.Name(crud_sql::Name(model_->table()))
      .Sql(" AS ")
      .Name(crud_sql::RootAlias())
      .Sql(" WHERE ")
      .Append(crud_sql::IdIn(crud_sql::RootAlias(), ids_));
  env_->Execute(sql);
}

}  // namespace citadel::orm
