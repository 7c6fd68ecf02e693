// RecordSet::Search and SearchCount: the client's domain (with active_test)
// AND the user's read rules, compiled into one SELECT on the model's table
// (the clauses of crud_search_sql.hpp, shared with SearchRead).
#include <string>

#include "orm/access_guard.hpp"
#include "orm/crud_search_sql.hpp"
#include "orm/crud_sql.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/errors.hpp"
#include "orm/record_set.hpp"

namespace citadel::orm {
namespace crud {
namespace {

db::ComposedSql OrderBy(const Environment& env, const Model& model, std::string_view order) {
  const std::vector<OrderTerm> terms = order.empty() ? model.default_order() : ParseOrder(model, order);
  if (!order.empty()) AccessGuard::CheckOrderFields(env, terms);  // a client's order reads its fields
  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql(" ORDER BY ");
  bool has_id = false;
  for (const OrderTerm& term : terms) {
    sql.Qualified(alias, crud_sql::Name(term.field->column()));
    if (term.descending) {
      sql.Sql(" DESC");
    } else {
      sql.Sql(" ASC");
    }
    if (term.nulls == OrderTerm::Nulls::kFirst) sql.Sql(" NULLS FIRST");
    if (term.nulls == OrderTerm::Nulls::kLast) sql.Sql(" NULLS LAST");
    sql.Sql(", ");
    has_id = has_id || term.field->name() == "id";
  }
  // A total order, so that pages (offset/limit) neither repeat nor skip rows.
  if (!has_id) {
    sql.Qualified(alias, crud_sql::Name("id")).Sql(" ASC");
  } else {
    sql.Sql("1");
  }
  return sql;
}

}  // namespace

db::ComposedSql SearchFromWhere(const Environment& env, const Model& model, const Value& domain) {
  AccessGuard::CheckModel(env, model, Operation::kRead);
  const Domain parsed = Domain::Parse(model, WithActiveTest(domain, model, env.active_test()));
  AccessGuard::CheckDomainFields(env, parsed);
  const db::Identifier& alias = crud_sql::RootAlias();
  db::ComposedSql sql(" FROM ");
  sql.Name(crud_sql::Name(model.table()))
      .Sql(" AS ")
      .Name(alias)
      .Sql(" WHERE (")
      .Append(CompileDomain(parsed, alias, AccessGuard::ReadCompileOptions(env)))
      .Sql(")");
  if (auto rule = AccessGuard::RuleDomain(env, model, Operation::kRead)) {
    // Rules are compiled as Odoo compiles them: in sudo, archived included.
    sql.Sql(" AND (").Append(CompileDomain(*rule, alias, {.active_test = false})).Sql(")");
  }
  return sql;
}

db::ComposedSql SearchFromWhereOrderPage(const Environment& env, const Model& model,
                                         const Value& domain, std::int64_t offset,
                                         std::optional<std::int64_t> limit,
                                         std::string_view order) {
  if (offset < 0 || (limit && *limit < 0)) {
    throw ValidationError("Offset and limit must not be negative.");
  }
  db::ComposedSql sql = SearchFromWhere(env, model, domain);
  sql.Append(OrderBy(env, model, order));
  if (limit) sql.Sql(" LIMIT ").Value(db::ToParam(*limit));
  if (offset > 0) sql.Sql(" OFFSET ").Value(db::ToParam(offset));
  return sql;
}

}  // namespace crud

std::vector<std::int64_t> RecordSet::Search(const Value& domain, std::int64_t offset,
                                            std::optional<std::int64_t> limit,
                                            std::string_view order) const {
  db::ComposedSql sql("SELECT ");
  sql.Qualified(crud_sql::RootAlias(), crud_sql::Name("id"))
      .Append(crud::SearchFromWhereOrderPage(*env_, *model_, domain, offset, limit, order));
  return crud_sql::IdsOf(env_->Execute(sql));
}

std::int64_t RecordSet::SearchCount(const Value& domain) const {
  db::ComposedSql sql("SELECT count(1)");
  sql.Append(crud::SearchFromWhere(*env_, *model_, domain));
  return crud_sql::IdsOf(env_->Execute(sql)).at(0);
}

}  // namespace citadel::orm
