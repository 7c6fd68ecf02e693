// Internal to the domain compiler (domain_compiler.cpp and the three
// domain_compile_*.cpp files): the state of one CompileDomain call and the
// pieces each file contributes. One builder per call; not shared.
#pragma once

#include <string>
#include <vector>

#include "db/composed_sql.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/domain_internal.hpp"

namespace citadel::orm::domain_sql {

using domain_internal::SearchKind;

// Where a condition is compiled: a row of `model` named `alias`, and the
// active_test of the environment Odoo would search that model with.
struct Scope {
  const Model* model;
  db::Identifier alias;
  bool active_test;
};

// "SELECT <alias>.<column> FROM <table> AS <alias> WHERE <conditions ANDed>",
// being built.
struct Subquery {
  const Model* model;
  db::Identifier alias;
  bool active_test;
  std::vector<db::ComposedSql> conditions;
};

db::Identifier Name(std::string_view registry_name);  // a registry name; never fails for one
db::ComposedSql Column(const db::Identifier& alias, const Field& field);
db::ComposedSql Column(const db::Identifier& alias, std::string_view column);
// One of two fixed fragments (SqlText is built from literals only).
inline db::SqlText Either(bool first, db::SqlText a, db::SqlText b) { return first ? a : b; }

// The PostgreSQL text of a value for `field` (domain_sql_value.cpp), and of
// a list of them as one array literal ("{...}", every element quoted).
db::Param ValueText(const Field& field, const Value& value);
std::string ArrayText(const Field& field, const std::vector<Value>& values);

class DomainSqlBuilder {
 public:
  DomainSqlBuilder(const DomainCompileOptions& options, const db::Identifier& root_alias);

  db::ComposedSql Node(const DomainNode& node, const Scope& scope);

  // domain_compile_scalar.cpp: Odoo's _condition_to_sql for one column.
  db::ComposedSql Scalar(const Field& field, DomainOperator op, const Value& value, const Scope& scope);
  // domain_compile_relational.cpp
  db::ComposedSql Many2one(const DomainNode& condition, const Scope& scope);
  db::ComposedSql One2many(const DomainNode& condition, const Scope& scope);
  db::ComposedSql Many2many(const DomainNode& condition, const Scope& scope);
  // domain_compile_hierarchy.cpp: child_of, parent_of on id and relations.
  db::ComposedSql Hierarchy(const DomainNode& condition, const Scope& scope);

  // `"id" [NOT] IN (SELECT inverse FROM comodel ...)` for a one2many, with
  // the inverse's NULLs left out (they would make NOT IN never true).
  db::ComposedSql InverseIn(const Field& one2many, const Scope& scope, Subquery query, bool negative);
  // `[NOT] EXISTS (SELECT 1 FROM link WHERE column1 = "id" [AND column2 <predicate>])`
  // for a many2many; `predicate` continues after column2 (" IN (...)").
  db::ComposedSql LinkExists(const Field& many2many, const Scope& scope, const db::ComposedSql* predicate,
                             bool negative);

  // A new sub-query on `model`, with a fresh alias.
  Subquery Open(const Model& model, bool active_test);
  // Odoo's model._search(domain): the domain, the active filter (unless the
  // domain names `active`), the read rule.
  Subquery Search(const Model& model, const DomainNode& domain, bool active_test);
  // Odoo's model._where_calc(domain): the same without the read rule.
  Subquery WhereCalc(const Model& model, const DomainNode& domain, bool active_test);
  // The name search Odoo makes with ('display_name', op, value): on the
  // model's rec_name.
  Subquery NameSearch(const Model& model, DomainOperator op, const Value& value, bool active_test);
  // "(SELECT <alias>.<column> FROM ... WHERE ...)".
  db::ComposedSql Select(const Subquery& query, std::string_view column);

  db::Identifier NewAlias();

 private:
  db::ComposedSql Condition(const DomainNode& condition, const Scope& scope);
  void AddActiveFilter(Subquery& query, const DomainNode& domain);

  const DomainCompileOptions& options_;
  std::string alias_prefix_;
  int next_alias_ = 0;
  bool rules_enabled_;  // off while compiling a rule (Odoo compiles rules in sudo)
};

}  // namespace citadel::orm::domain_sql
