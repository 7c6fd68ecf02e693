// One condition on one column: Odoo 18's BaseModel._condition_to_sql
// (odoo/models.py), rule by rule, with its NULL semantics:
//   * in / not in: false in the list means NULL (and 0 on numbers, '' on
//     strings, false on booleans); `in []` is FALSE, `not in []` TRUE;
//   * booleans: "= true" is "= TRUE", "= false" is "IS NULL OR = FALSE",
//     "= null" (a client's None) only "IS NULL";
//   * "= false" is IS NULL, "!= false" IS NOT NULL, except numbers (as 0)
//     and char/text/html (as '');
//   * like/ilike wrap the value in %...%, which Odoo does not escape: '%' and
//     '_' in the value stay wildcards; an empty value matches everything;
//   * a positive operator with an empty value, or a negative one with a
//     value, also matches NULL (not for <, >, <=, >=); numbers count NULL as
//     0 in inequalities too.
#include <string>

#include "orm/domain_sql_builder.hpp"

namespace citadel::orm::domain_sql {
namespace {

using Op = DomainOperator;
using domain_internal::IsFalse;
using domain_internal::IsOrdering;
using domain_internal::IsTruthy;
using domain_internal::IsWildcard;

bool IsLikeFamily(Op op) { return IsWildcard(op) || op == Op::kEqualLike || op == Op::kEqualIlike; }

db::SqlText OperatorSql(Op op) {
  switch (op) {
    case Op::kEqual: return " = ";
    case Op::kNotEqual: return " != ";
    case Op::kLess: return " < ";
    case Op::kGreater: return " > ";
    case Op::kLessEqual: return " <= ";
    case Op::kGreaterEqual: return " >= ";
    case Op::kLike:
    case Op::kEqualLike: return " LIKE ";
    case Op::kIlike:
    case Op::kEqualIlike: return " ILIKE ";
    case Op::kNotLike: return " NOT LIKE ";
    case Op::kNotIlike: return " NOT ILIKE ";
    default: return " = ";  // other operators never reach a column
  }
}

db::ComposedSql OrIsNull(const db::ComposedSql& condition, const db::ComposedSql& column) {
  db::ComposedSql sql("(");
  sql.Append(condition).Sql(" OR ").Append(column).Sql(" IS NULL)");
  return sql;
}

db::ComposedSql IsNull(const db::ComposedSql& column, bool null) {
  db::ComposedSql sql("(");
  sql.Append(column).Sql(Either(null, " IS NULL)", " IS NOT NULL)"));
  return sql;
}

bool IsZero(const Value& v) { return v.is_number() && v.get<double>() == 0.0; }
bool IsEmptyString(const Value& v) { return v.is_string() && v.get_ref<const std::string&>().empty(); }

db::ComposedSql InList(const Field& field, SearchKind kind, Op op, const Value& list,
                       const db::ComposedSql& column) {
  std::vector<Value> params;
  for (const auto& item : list) {
    if (!IsFalse(item)) params.push_back(item);
  }
  bool check_null = params.size() < list.size();
  auto contains = [&](auto predicate) {
    for (const auto& p : params) {
      if (predicate(p)) return true;
    }
    return false;
  };
  if (kind == SearchKind::kBoolean) {
    const bool any_true = contains([](const Value& v) { return IsTruthy(v); });
    params.clear();
    if (any_true) params.push_back(true);
    if (check_null) params.push_back(false);
  } else if (kind == SearchKind::kNumber) {
    if (check_null && !contains(IsZero)) params.push_back(0);
    check_null = check_null || contains(IsZero);
  } else if (kind == SearchKind::kCharacters) {
    if (check_null && !contains(IsEmptyString)) params.push_back("");
    check_null = check_null || contains(IsEmptyString);
  }
  const bool in = op == Op::kIn;
  if (params.empty()) {
    // (FALSE OR col IS NULL), (TRUE OR col IS NULL), (TRUE AND col IS NOT NULL)
    if (in) return check_null ? IsNull(column, true) : db::ComposedSql("FALSE");
    return check_null ? IsNull(column, false) : db::ComposedSql("TRUE");
  }
  db::ComposedSql sql("(");
  sql.Append(column);
  if (params.size() == 1) {
    // One value: `=` / `<>`, not ANY / ALL over a one-element array, whose
    // generic plan PostgreSQL costs for several values and so never keeps
    // (crud_sql.hpp, EqualsAnyOf): ("id", "in", [7]) would be planned on
    // every call. The same rows: x = ANY('{v}') is x = v, x <> ALL('{v}')
    // is x <> v, NULLs included.
    sql.Sql(Either(in, " = ", " <> ")).Value(ValueText(field, params.front())).Sql(")");
  } else {
    sql.Sql(Either(in, " = ANY(", " <> ALL(")).Value(ArrayText(field, params)).Sql("))");
  }
  if (in == check_null) return OrIsNull(sql, column);  // in with NULL, or not in without it
  if (!in) {
    db::ComposedSql both("(");
    both.Append(sql).Sql(" AND ").Append(column).Sql(" IS NOT NULL)");
    return both;
  }
  return sql;
}

}  // namespace

db::ComposedSql DomainSqlBuilder::Scalar(const Field& field, DomainOperator op, const Value& input,
                                         const Scope& scope) {
  const SearchKind kind = domain_internal::SearchKindOf(field);
  const db::ComposedSql column = Column(scope.alias, field);
  if (op == Op::kIn || op == Op::kNotIn) return InList(field, kind, op, input, column);

  Value value = input;
  if (kind == SearchKind::kBoolean && (op == Op::kEqual || op == Op::kNotEqual) && value.is_null()) {
    return IsNull(column, op == Op::kEqual);  // a client's null: unset only (not false)
  }
  if (kind == SearchKind::kBoolean && (op == Op::kEqual || op == Op::kNotEqual)) {
    // 0 and 1 compare as false and true would (Odoo binds bool(value)).
    const bool wanted = IsTruthy(value) != (op == Op::kNotEqual);
    db::ComposedSql sql("(");
    if (wanted) return sql.Append(column).Sql(" = TRUE)");
    return sql.Append(column).Sql(" IS NULL OR ").Append(column).Sql(" = FALSE)");
  }
  const bool relational_or_id = kind == SearchKind::kId || kind == SearchKind::kMany2one;
  if (relational_or_id && (op == Op::kEqual || op == Op::kNotEqual) && !IsTruthy(value)) value = false;
  if ((op == Op::kEqual || op == Op::kNotEqual) && IsFalse(value)) {
    if (kind == SearchKind::kNumber) {
      value = 0;
    } else if (kind == SearchKind::kCharacters) {
      value = "";
    } else {
      return IsNull(column, op == Op::kEqual);
    }
  }
  if (IsWildcard(op) && !IsTruthy(value)) {
    return db::ComposedSql(Either(IsNegativeOperator(op), "FALSE", "TRUE"));
  }

  db::ComposedSql left;
  const bool character_type = field.type() == FieldType::kChar || field.type() == FieldType::kText ||
                              field.type() == FieldType::kHtml;
  if (IsLikeFamily(op) && !character_type) {
    left.Sql("(").Append(column).Sql(")::text");
  } else {
    left = column;
  }
  db::ComposedSql sql("(");
  sql.Append(left).Sql(OperatorSql(op));
  if (IsWildcard(op)) {
    sql.Value("%" + value.get<std::string>() + "%");
  } else {
    sql.Value(ValueText(field, value));
  }
  sql.Sql(")");

  if (IsTruthy(value) == IsNegativeOperator(op) && !IsOrdering(op)) sql = OrIsNull(sql, column);
  if (!IsWildcard(op) && kind == SearchKind::kNumber && value.is_number()) {
    // NULL counts as 0: "x >= -1" holds for it, "x > 1" does not.
    // Compared as Odoo compares it: rounded to the field's digits.
    const double compared = field.def().digits && value.is_number_float()
                                ? std::stod(*ValueText(field, value))
                                : value.get<double>();
    if ((op == Op::kGreaterEqual && compared <= 0) || (op == Op::kLessEqual && compared >= 0) ||
        (op == Op::kLess && compared > 0) || (op == Op::kGreater && compared < 0)) {
      sql = OrIsNull(sql, column);
    }
  }
  return sql;
}

}  // namespace citadel::orm::domain_sql
