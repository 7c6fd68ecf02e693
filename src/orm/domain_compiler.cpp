// CompileDomain: the walk over the canonical tree, and the sub-queries that
// stand for Odoo's model._search / _where_calc calls.
#include "orm/domain_compiler.hpp"

#include <stdexcept>

#include "orm/domain_sql_builder.hpp"

namespace citadel::orm {
namespace domain_sql {
namespace {

using Kind = DomainNode::Kind;
using Op = DomainOperator;

// Sub-query aliases are "<root alias>__<n>": distinct from the root alias and
// from each other, and within PostgreSQL's 63 characters.
constexpr std::size_t kMaxAliasPrefix = 50;

}  // namespace

db::Identifier Name(std::string_view registry_name) {
  auto name = db::Identifier::Make(registry_name);
  // The registry admits only names of this very pattern; failing here is a
  // broken invariant, never input.
  if (!name) throw std::logic_error("registry name is no SQL identifier: " + name.error().message);
  return *name;
}

db::ComposedSql Column(const db::Identifier& alias, const Field& field) { return Column(alias, field.column()); }

db::ComposedSql Column(const db::Identifier& alias, std::string_view column) {
  db::ComposedSql sql;
  sql.Qualified(alias, Name(column));
  return sql;
}

DomainSqlBuilder::DomainSqlBuilder(const DomainCompileOptions& options, const db::Identifier& root_alias)
    : options_(options),
      alias_prefix_(root_alias.str().substr(0, kMaxAliasPrefix) + "__"),
      rules_enabled_(static_cast<bool>(options.read_rule)) {}

db::Identifier DomainSqlBuilder::NewAlias() { return Name(alias_prefix_ + std::to_string(++next_alias_)); }

db::ComposedSql DomainSqlBuilder::Node(const DomainNode& node, const Scope& scope) {
  switch (node.kind) {
    case Kind::kTrue: return db::ComposedSql("TRUE");
    case Kind::kFalse: return db::ComposedSql("FALSE");
    case Kind::kNot: {
      db::ComposedSql sql("(NOT ");
      sql.Append(Node(node.children.front(), scope)).Sql(")");
      return sql;
    }
    case Kind::kAnd:
    case Kind::kOr: {
      db::ComposedSql sql("(");
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) sql.Sql(Either(node.kind == Kind::kAnd, " AND ", " OR "));
        sql.Append(Node(node.children[i], scope));
      }
      sql.Sql(")");
      return sql;
    }
    case Kind::kCondition: return Condition(node, scope);
  }
  return db::ComposedSql("FALSE");
}

db::ComposedSql DomainSqlBuilder::Condition(const DomainNode& condition, const Scope& scope) {
  if (condition.op == Op::kEqualOrTrue) {
    // _condition_to_sql: '=?' with False (or None) is TRUE, otherwise '='.
    if (condition.value.is_boolean() && !condition.value.get<bool>()) return db::ComposedSql("TRUE");
    DomainNode equal = condition;
    equal.op = Op::kEqual;
    return Condition(equal, scope);
  }
  switch (domain_internal::SearchKindOf(*condition.field)) {
    case SearchKind::kMany2one: return Many2one(condition, scope);
    case SearchKind::kX2many:
      return condition.field->type() == FieldType::kOne2many ? One2many(condition, scope)
                                                             : Many2many(condition, scope);
    case SearchKind::kId:
      if (condition.op == Op::kChildOf || condition.op == Op::kParentOf) return Hierarchy(condition, scope);
      break;
    default: break;
  }
  return Scalar(*condition.field, condition.op, condition.value, scope);
}

Subquery DomainSqlBuilder::Open(const Model& model, bool active_test) {
  return Subquery{&model, NewAlias(), active_test, {}};
}

void DomainSqlBuilder::AddActiveFilter(Subquery& query, const DomainNode& domain) {
  const Field* active = query.model->active();
  if (!query.active_test || !active || MentionsFieldAtTop(domain, active->name())) return;
  // Odoo prepends ('active', '=', 1): compiled as any such condition.
  query.conditions.push_back(Scalar(*active, Op::kEqual, true, Scope{query.model, query.alias, query.active_test}));
}

Subquery DomainSqlBuilder::WhereCalc(const Model& model, const DomainNode& domain, bool active_test) {
  Subquery query = Open(model, active_test);
  AddActiveFilter(query, domain);
  if (domain.kind != Kind::kTrue) query.conditions.push_back(Node(domain, Scope{&model, query.alias, active_test}));
  return query;
}

Subquery DomainSqlBuilder::Search(const Model& model, const DomainNode& domain, bool active_test) {
  Subquery query = WhereCalc(model, domain, active_test);
  if (!rules_enabled_) return query;
  if (auto rule = options_.read_rule(model)) {
    rules_enabled_ = false;
    struct Restore {
      bool& flag;
      ~Restore() { flag = true; }
    } restore{rules_enabled_};
    query.conditions.push_back(Node(rule->root(), Scope{&model, query.alias, active_test}));
  }
  return query;
}

Subquery DomainSqlBuilder::NameSearch(const Model& model, DomainOperator op, const Value& value, bool active_test) {
  DomainNode by_name;
  by_name.kind = Kind::kCondition;
  by_name.field = model.rec_name();  // Parse made sure there is a stored one
  by_name.op = op;
  by_name.value = value;
  return Search(model, by_name, active_test);
}

db::ComposedSql DomainSqlBuilder::Select(const Subquery& query, std::string_view column) {
  db::ComposedSql sql("(SELECT ");
  sql.Qualified(query.alias, Name(column)).Sql(" FROM ").Name(Name(query.model->table()));
  sql.Sql(" AS ").Name(query.alias);
  for (std::size_t i = 0; i < query.conditions.size(); ++i) {
    sql.Sql(Either(i == 0, " WHERE ", " AND ")).Append(query.conditions[i]);
  }
  sql.Sql(")");
  return sql;
}

}  // namespace domain_sql

db::ComposedSql CompileDomain(const Domain& domain, const db::Identifier& alias, const DomainCompileOptions& options) {
  domain_sql::DomainSqlBuilder builder(options, alias);
  return builder.Node(domain.root(), domain_sql::Scope{&domain.model(), alias, options.active_test});
}

}  // namespace citadel::orm
