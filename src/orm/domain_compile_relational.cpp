// Conditions on relational fields, as Odoo 18's expression.parse compiles
// them (odoo/osv/expression.py, "RELATIONAL FIELDS" and the `any` branches):
//   many2one   any: col IN (comodel search); not any: col NOT IN (...) OR NULL;
//              a name (string): col IN (comodel name search), or for negative
//              operators col NOT IN (positive name search) OR col IS NULL;
//              ids and false: as a column (domain_compile_scalar.cpp).
//   one2many   "id" [NOT] IN (SELECT inverse FROM comodel WHERE ...): any, a
//              name, ids; "= false" (no lines) and "!= false" (some line).
//   many2many  [NOT] EXISTS (SELECT 1 FROM link WHERE ...), the same cases.
// Many2one sub-queries ignore `active` (Odoo searches them with active_test
// off); x2many ones keep the scope's active_test.
#include "orm/domain_sql_builder.hpp"

namespace citadel::orm::domain_sql {
namespace {

using Op = DomainOperator;
using domain_internal::IsFalse;
using domain_internal::IsOrdering;

bool IsNames(const Value& value) {
  if (value.is_string()) return true;
  if (!value.is_array() || value.empty()) return false;
  for (const auto& item : value) {
    if (!item.is_string()) return false;
  }
  return true;
}

// Ids of a condition on an x2many: one id or a list of them.
std::vector<Value> Ids(const Value& value) {
  std::vector<Value> ids;
  if (value.is_array()) {
    for (const auto& item : value) ids.push_back(item);
  } else {
    ids.push_back(value);
  }
  return ids;
}

// The operator that finds the records a negative one excludes.
Op Positive(Op op) { return IsNegativeOperator(op) ? *NegatedOperator(op) : op; }

}  // namespace

db::ComposedSql DomainSqlBuilder::Many2one(const DomainNode& condition, const Scope& scope) {
  const Field& field = *condition.field;
  const Model& comodel = *field.comodel();
  const db::ComposedSql column = Column(scope.alias, field);
  Op op = condition.op;
  const Value& value = condition.value;

  if (op == Op::kChildOf || op == Op::kParentOf) return Hierarchy(condition, scope);
  if (op == Op::kAny || op == Op::kNotAny) {
    const db::ComposedSql ids = Select(Search(comodel, *condition.subdomain, /*active_test=*/false), "id");
    db::ComposedSql sql("(");
    if (op == Op::kAny) return sql.Append(column).Sql(" IN ").Append(ids).Sql(")");
    sql.Sql("(").Append(column).Sql(" NOT IN ").Append(ids).Sql(") OR ").Append(column).Sql(" IS NULL)");
    return sql;
  }
  if (IsNames(value)) {
    // Odoo's "special treatment to ill-formed domains": an inequality with a
    // name searches it like `in`, then a single name like `=`.
    if (IsOrdering(op)) op = Op::kIn;
    if (!value.is_array() && (op == Op::kIn || op == Op::kNotIn)) op = op == Op::kIn ? Op::kEqual : Op::kNotEqual;
    if (value.is_array() && (op == Op::kEqual || op == Op::kNotEqual)) op = op == Op::kEqual ? Op::kIn : Op::kNotIn;
    const db::ComposedSql ids = Select(NameSearch(comodel, Positive(op), value, /*active_test=*/false), "id");
    db::ComposedSql sql("(");
    if (!IsNegativeOperator(op)) return sql.Append(column).Sql(" IN ").Append(ids).Sql(")");
    sql.Sql("(").Append(column).Sql(" NOT IN ").Append(ids).Sql(") OR ").Append(column).Sql(" IS NULL)");
    return sql;
  }
  return Scalar(field, op, value, scope);
}

db::ComposedSql DomainSqlBuilder::InverseIn(const Field& one2many, const Scope& scope, Subquery query,
                                            bool negative) {
  const Field& inverse = *one2many.inverse();
  if (!inverse.def().required) {
    query.conditions.push_back(Column(query.alias, inverse).Sql(" IS NOT NULL"));
  }
  db::ComposedSql sql("(");
  sql.Append(Column(scope.alias, "id")).Sql(Either(negative, " NOT IN ", " IN ")).Append(Select(query, inverse.column()));
  return sql.Sql(")");
}

db::ComposedSql DomainSqlBuilder::One2many(const DomainNode& condition, const Scope& scope) {
  const Field& field = *condition.field;
  const Model& comodel = *field.comodel();
  const Op op = condition.op;
  const Value& value = condition.value;

  if (op == Op::kChildOf || op == Op::kParentOf) return Hierarchy(condition, scope);
  if (op == Op::kAny || op == Op::kNotAny) {
    return InverseIn(field, scope, Search(comodel, *condition.subdomain, scope.active_test), op == Op::kNotAny);
  }
  if (IsFalse(value)) {
    // Records with no line (=) or some line (!=): comodel._where_calc of
    // [(inverse, '!=', False)], so archived lines do not count.
    DomainNode has_inverse;
    has_inverse.kind = DomainNode::Kind::kCondition;
    has_inverse.field = field.inverse();
    has_inverse.op = Op::kNotEqual;
    has_inverse.value = false;
    Subquery lines = WhereCalc(comodel, has_inverse, scope.active_test);
    db::ComposedSql sql("(");
    sql.Append(Column(scope.alias, "id")).Sql(Either(op == Op::kEqual, " NOT IN ", " IN "));
    return sql.Append(Select(lines, field.inverse()->column())).Sql(")");
  }
  if (value.is_string()) {
    return InverseIn(field, scope, NameSearch(comodel, Positive(op), value, scope.active_test),
                     IsNegativeOperator(op));
  }
  const std::vector<Value> ids = Ids(value);
  if (ids.empty()) return db::ComposedSql(Either(IsNegativeOperator(op), "TRUE", "FALSE"));
  Subquery lines = Open(comodel, scope.active_test);
  lines.conditions.push_back(
      Column(lines.alias, "id").Sql(" = ANY(").Value(ArrayText(*comodel.FindField("id"), ids)).Sql(")"));
  return InverseIn(field, scope, std::move(lines), IsNegativeOperator(op));
}

db::ComposedSql DomainSqlBuilder::LinkExists(const Field& many2many, const Scope& scope,
                                             const db::ComposedSql* predicate, bool negative) {
  const FieldDef& def = many2many.def();
  const db::Identifier link = NewAlias();
  db::ComposedSql sql(Either(negative, "(NOT EXISTS (SELECT 1 FROM ", "(EXISTS (SELECT 1 FROM "));
  sql.Name(Name(def.relation)).Sql(" AS ").Name(link).Sql(" WHERE ");
  sql.Append(Column(link, def.column1)).Sql(" = ").Append(Column(scope.alias, "id"));
  if (predicate) sql.Sql(" AND ").Append(Column(link, def.column2)).Append(*predicate);
  return sql.Sql("))");
}

db::ComposedSql DomainSqlBuilder::Many2many(const DomainNode& condition, const Scope& scope) {
  const Field& field = *condition.field;
  const Model& comodel = *field.comodel();
  const Op op = condition.op;
  const Value& value = condition.value;

  if (op == Op::kChildOf || op == Op::kParentOf) return Hierarchy(condition, scope);
  if (op == Op::kAny || op == Op::kNotAny) {
    db::ComposedSql in(" IN ");
    in.Append(Select(Search(comodel, *condition.subdomain, scope.active_test), "id"));
    return LinkExists(field, scope, &in, op == Op::kNotAny);
  }
  if (IsFalse(value)) return LinkExists(field, scope, nullptr, op == Op::kEqual);
  if (value.is_string()) {
    db::ComposedSql in(" IN ");
    in.Append(Select(NameSearch(comodel, Positive(op), value, scope.active_test), "id"));
    return LinkExists(field, scope, &in, IsNegativeOperator(op));
  }
  std::vector<Value> ids;
  for (const auto& id : Ids(value)) {
    if (domain_internal::IsTruthy(id)) ids.push_back(id);  // Odoo drops 0 (`if it`)
  }
  if (ids.empty()) return db::ComposedSql(Either(IsNegativeOperator(op), "TRUE", "FALSE"));
  db::ComposedSql any(" = ANY(");
  any.Value(ArrayText(*comodel.FindField("id"), ids)).Sql(")");
  return LinkExists(field, scope, &any, IsNegativeOperator(op));
}

}  // namespace citadel::orm::domain_sql
