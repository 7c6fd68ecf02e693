// RecordSet::SearchRead: Odoo 18's search_read (search_fetch, then the read's
// format) in ONE statement for the rows: the search's FROM/WHERE (domain,
// active_test, read rules), ORDER BY and LIMIT/OFFSET, selecting the read's
// columns directly; then, as Read, at most one query per relational field
// and one batch per compute method (crud_read_rows.hpp). The rules are in
// the WHERE, so no row outside them is selected and no rule-check column is
// needed; the guard has checked the model, the domain's and the order's
// fields while the clauses were built, and checks the read's fields even
// when nothing matches (an empty result must not hide a bad field name).
#include "orm/crud_read_rows.hpp"
#include "orm/crud_search_sql.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {

Value RecordSet::SearchRead(const Value& domain, const std::vector<std::string>& fields,
                            std::int64_t offset, std::optional<std::int64_t> limit,
                            std::string_view order) const {
  const db::ComposedSql clauses =
      crud::SearchFromWhereOrderPage(*env_, *model_, domain, offset, limit, order);
  const crud::RowReader reader(*env_, *model_, fields);
  db::ComposedSql sql("SELECT ");
  sql.Append(reader.SelectList()).Append(clauses);
  return reader.Records(env_->Execute(sql));
}

}  // namespace citadel::orm
