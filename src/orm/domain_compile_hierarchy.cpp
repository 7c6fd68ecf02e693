// child_of / parent_of, as Odoo 18 computes them without parent_path
// (expression.py: to_ids, child_of_domain, parent_of_domain and the
// relational branches that call them): a recursive CTE over a parent
// many2one replaces Odoo's loop of searches. The walk ignores `active` and
// record rules, as Odoo's (in sudo, active_test off) does.
//
// Which link is walked, and which way:
//   id            the model's parent_name; child_of walks down, parent_of up
//   many2one f    to its own model: f itself; to another: the comodel's parent
//   one2many f    to its own model: f's inverse, the other way round (Odoo
//                 walks "records whose f contains these": their parents)
//   many2many f   the comodel's parent
// Odoo's start set is the given ids (parent_of drops 0), or the records
// found by name ("display_name ilike name"); no start: FALSE.
#include "orm/domain_sql_builder.hpp"

namespace citadel::orm::domain_sql {
namespace {

using Op = DomainOperator;

struct Walk {
  const Model* model;         // where the hierarchy lives
  const Field* parent;        // its many2one to itself
  bool down;                  // toward children (else toward parents)
  bool names_active_test;     // the active_test Odoo finds names with
};

}  // namespace

db::ComposedSql DomainSqlBuilder::Hierarchy(const DomainNode& condition, const Scope& scope) {
  const Field& field = *condition.field;
  const Model& model = *scope.model;
  const bool child_of = condition.op == Op::kChildOf;
  const SearchKind kind = domain_internal::SearchKindOf(field);
  const Model* comodel = field.comodel();

  Walk walk{};
  if (kind == SearchKind::kId) {
    walk = {&model, model.parent(), child_of, scope.active_test};
  } else if (field.type() == FieldType::kMany2one) {
    walk = comodel == &model ? Walk{&model, &field, child_of, false} : Walk{comodel, comodel->parent(), child_of, false};
  } else if (field.type() == FieldType::kOne2many && comodel == &model) {
    walk = {&model, field.inverse(), !child_of, scope.active_test};
  } else {
    walk = {comodel, comodel->parent(), child_of, scope.active_test};
  }

  // The start of the walk.
  const Value& value = condition.value;  // a list of ids or of names (Parse)
  db::ComposedSql seed;
  const bool names = !value.empty() && value.front().is_string();
  if (names) {
    std::vector<DomainNode> by_name;
    for (const auto& name : value) {
      DomainNode one;
      one.kind = DomainNode::Kind::kCondition;
      one.field = walk.model->rec_name();
      one.op = Op::kIlike;
      one.value = name;
      by_name.push_back(std::move(one));
    }
    seed = Select(Search(*walk.model, domain_internal::OneOf(std::move(by_name)), walk.names_active_test), "id");
  } else {
    std::vector<Value> ids;
    for (const auto& id : value) {
      if (child_of || domain_internal::IsTruthy(id)) ids.push_back(id);
    }
    if (ids.empty()) return db::ComposedSql("FALSE");
    Subquery start = Open(*walk.model, walk.names_active_test);
    start.conditions.push_back(
        Column(start.alias, "id").Sql(" = ANY(").Value(ArrayText(*walk.model->FindField("id"), ids)).Sql(")"));
    seed = Select(start, "id");
  }

  // (WITH RECURSIVE h(id) AS (seed UNION step) SELECT h.id FROM h)
  const db::Identifier tree = NewAlias();
  const db::Identifier step = NewAlias();
  const db::Identifier id = Name("id");
  db::ComposedSql cte("(WITH RECURSIVE ");
  cte.Name(tree).Sql("(").Name(id).Sql(") AS (");
  // The seed is a parenthesised SELECT; UNION takes it as is.
  cte.Append(seed).Sql(" UNION SELECT ");
  if (walk.down) {
    cte.Append(Column(step, "id")).Sql(" FROM ").Name(Name(walk.model->table())).Sql(" AS ").Name(step);
    cte.Sql(" JOIN ").Name(tree).Sql(" ON ").Append(Column(step, *walk.parent)).Sql(" = ").Append(Column(tree, "id"));
  } else {
    cte.Append(Column(step, *walk.parent)).Sql(" FROM ").Name(Name(walk.model->table())).Sql(" AS ").Name(step);
    cte.Sql(" JOIN ").Name(tree).Sql(" ON ").Append(Column(step, "id")).Sql(" = ").Append(Column(tree, "id"));
    cte.Sql(" WHERE ").Append(Column(step, *walk.parent)).Sql(" IS NOT NULL");
  }
  cte.Sql(") SELECT ").Append(Column(tree, "id")).Sql(" FROM ").Name(tree).Sql(")");

  // Where the walk's records meet the condition's rows.
  db::ComposedSql sql("(");
  if (kind == SearchKind::kId || (walk.model == &model && field.type() != FieldType::kMany2many)) {
    return sql.Append(Column(scope.alias, "id")).Sql(" IN ").Append(cte).Sql(")");
  }
  if (field.type() == FieldType::kMany2one) {
    return sql.Append(Column(scope.alias, field)).Sql(" IN ").Append(cte).Sql(")");
  }
  if (field.type() == FieldType::kOne2many) {
    // Odoo: (f, 'in', comodel._search([('id', 'in', walked)])) in sudo.
    Subquery lines = Open(*comodel, false);
    lines.conditions.push_back(Column(lines.alias, "id").Sql(" IN ").Append(cte));
    return InverseIn(field, scope, std::move(lines), /*negative=*/false);
  }
  // many2many: comodel._search([('id', 'in', walked)]), with active and rules.
  DomainNode everything;  // TRUE: the walked ids are the only condition
  Subquery targets = Search(*comodel, everything, scope.active_test);
  targets.conditions.push_back(Column(targets.alias, "id").Sql(" IN ").Append(cte));
  db::ComposedSql in(" IN ");
  in.Append(Select(targets, "id"));
  return LinkExists(field, scope, &in, /*negative=*/false);
}

}  // namespace citadel::orm::domain_sql
