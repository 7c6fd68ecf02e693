// DomainCompiler: a parsed Domain (domain.hpp) becomes one SQL boolean
// expression over a table alias, to put after WHERE:
//
//   Domain domain = Domain::Parse(model, WithActiveTest(client_domain, model, active_test));
//   db::ComposedSql where = CompileDomain(domain, alias /* "t0" */, {.active_test = active_test});
//   // SELECT "t0"."id" FROM "res_partner" AS "t0" WHERE <where> ...
//
// It follows Odoo 17/18: no joins. A condition through a relation is a
// sub-query: many2one `col IN (SELECT "id" FROM comodel WHERE ...)`;
// one2many `"id" IN (SELECT inverse FROM comodel WHERE ...)`; many2many
// `EXISTS (SELECT 1 FROM link WHERE ...)`; child_of / parent_of a recursive
// CTE over the parent many2one (Citadel keeps no parent_path). Its NULL
// semantics are Odoo's (BaseModel._condition_to_sql): "= false" is IS NULL
// (or "= 0" / "= ''" too on numbers and strings, "= false" on booleans);
// !=, not in, not like include NULL rows; "like ''" matches everything.
//
// Safety: identifiers come only from the registry (tables, columns, link
// tables) or are made here from fixed names ("id") and a counter (sub-query
// aliases `<alias>__<n>`, which the caller must not use); every value is a
// bound parameter ($n), lists one PostgreSQL array parameter each.
//
// Pure: no I/O, no state kept between calls; thread-safe.
#pragma once

#include <functional>
#include <optional>

#include "db/composed_sql.hpp"
#include "db/identifier.hpp"
#include "orm/domain.hpp"

namespace citadel::orm {

struct DomainCompileOptions {
  // The context's active_test. When true, the sub-queries Odoo makes with
  // comodel._search / _where_calc on one2many and many2many comodels hide
  // archived records, unless their sub-domain names `active` itself;
  // many2one sub-queries never do (Odoo searches them with active_test off).
  // The root model's own filter is WithActiveTest's, applied before Parse.
  bool active_test = true;
  // Record rules for reading a model, ANDed into each sub-query Odoo makes
  // with model._search (any, name searches, child_of names), so that a domain
  // cannot probe records its user may not read. Rules are compiled as Odoo
  // compiles them, in sudo: without rules inside. Empty: no rules (sudo).
  // Odoo's _search also checks the model's access right first: the function
  // may throw AccessError for a model the user may not read at all.
  std::function<std::optional<Domain>(const Model& model)> read_rule = nullptr;
};

// The boolean expression of `domain` over `alias`, which names a row of
// domain.model()'s table in the caller's query. Throws nothing of its own
// for a Domain that Parse accepted; only what options.read_rule throws.
db::ComposedSql CompileDomain(const Domain& domain, const db::Identifier& alias,
                              const DomainCompileOptions& options = {});

}  // namespace citadel::orm
