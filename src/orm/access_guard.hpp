// AccessGuard: THE enforcement point of access control. Every RecordSet
// operation calls it before any SQL of its own runs, whatever the entry point
// (RPC, web, module code):
//
//   1. model access rights (CheckModel): the rows of ir.model.access for the
//      model whose group is empty or one of the user's groups
//      (res_groups_users_rel); any row with perm_<operation> grants it, as
//      Odoo's ir.model.access.check;
//   2. record rules (RuleDomain): the active ir.rule rows of the model for the
//      operation; rules without groups are global and ANDed, rules of the
//      user's groups are ORed, and the two parts ANDed (Odoo's
//      ir.rule._compute_domain); reads compile the domain into their query,
//      writes and unlinks check their ids with CheckRecords;
//   3. fields (CheckFields): write-only fields are never read, by anyone, not
//      even in su; fields with `groups` need the user in one of them.
// su (Environment::Sudo) skips 1 and 2, never 3's write-only rule.
//
// Data it reads: the base tables as Odoo 18 lays them out (ir_model,
// ir_model_access, ir_rule, rule_group_rel(rule_group_id, group_id),
// res_groups_users_rel(uid, gid), ir_model_data for field groups), with
// fixed SQL. A database without them refuses everything (fail closed).
//
// Rule domains (ir.rule.domain_force) are stored as JSON text, a domain as
// the API carries it (`[["company_id", "=", 1]]`), never Python: nothing is
// evaluated. An empty text is the always-true domain; a text that does not
// parse as a domain makes the operation fail (fail closed).
//
// Rule variables: where Odoo's rules name `user.id` or `company_ids`, a
// Citadel rule puts an object `{"var": NAME}` in value position (the term's
// value, or an element of a list value), replaced before the domain is
// parsed (Odoo's ir.rule._eval_context):
//   user.id                    the uid
//   user.partner_id            the user's partner (res_users.partner_id)
//   user.commercial_partner_id that partner's commercial entity
//   company_ids                the allowed companies (AllowedCompanyIds)
//   company_id                 the current company (CurrentCompanyId)
// Any other name, or a variable that is not alone in its object, makes the
// operation fail with an AccessError (fail closed), as does a context whose
// allowed_company_ids names a company the user is not in (Odoo's
// env.companies: "Access to unauthorized or invalid companies.").
//
// Errors are AccessError naming the model and the operation, never data (no
// record names, no values), in Odoo 18's words (ir_model.py ACCESS_ERROR_*,
// ir_rule.py _make_access_error).
//
// Where the data comes from: the Environment's SecurityCache snapshot when
// the call carries one (security_cache.hpp: kept across calls, valid for one
// version of the rights), otherwise fixed queries on each call. Both give the
// same answers; access_guard_pgtest.cpp runs its cases both ways. Stateless
// itself, so it is as thread-safe as the Environment (one thread).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "orm/domain.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/environment.hpp"

namespace citadel::orm {

enum class Operation { kRead, kWrite, kCreate, kUnlink };

// "read", "write", "create", "unlink".
std::string_view OperationName(Operation operation);

class AccessGuard {
 public:
  // Throws AccessError unless the user may do `operation` on `model`.
  static void CheckModel(const Environment& env, const Model& model, Operation operation);
  // The same answer without throwing (Odoo's has_access / check_access_rights
  // with raise_exception=False).
  static bool HasModelAccess(const Environment& env, const Model& model, Operation operation);

  // The combined record rules of the user for `model` and `operation`;
  // nullopt when none apply (or in su).
  // `reads_database`, when given, is set when a variable was read from the
  // database (user.commercial_partner_id), so the answer is this call's only.
  static std::optional<Domain> RuleDomain(const Environment& env, const Model& model,
                                          Operation operation, bool* reads_database = nullptr);

  // Throws AccessError when one of `ids` is outside the rules for
  // `operation`. Ids that do not exist pass (callers report them as
  // MissingError).
  static void CheckRecords(const Environment& env, const Model& model, Operation operation,
                           std::span<const std::int64_t> ids);

  // The same check inside a query of the caller's: the SQL boolean "this
  // row (alias `alias`) is within the rules for `operation`", NULL counted
  // as outside; nullopt when no rule applies (or in su). A row for which it
  // is false must make the caller throw RefuseRecords. Lets read fetch and
  // check in one statement, as Odoo 18's read does.
  static std::optional<db::ComposedSql> RecordsAllowedSql(const Environment& env, const Model& model,
                                                          Operation operation,
                                                          const db::Identifier& alias);
  // The AccessError of CheckRecords (names no record).
  [[noreturn]] static void RefuseRecords(const Model& model, Operation operation);

  // Throws AccessError for a write-only field read (kRead), or a field whose
  // `groups` the user is in none of.
  static void CheckFields(const Environment& env, const Model& model,
                          std::span<const Field* const> fields, Operation operation);
  // CheckFields(kRead) for every field a client's domain names, along its
  // paths too (Odoo 18's _field_to_sql checks read access on each field it
  // turns into SQL): searching is reading, or `[("password", "=like",
  // "$pbkdf2-sha512$600000$a%")]` would read a hash one character at a time.
  static void CheckDomainFields(const Environment& env, const Domain& domain);
  // The same for the fields of a client's order string.
  static void CheckOrderFields(const Environment& env, std::span<const OrderTerm> terms);
  // Whether the user may see `field` at all (its `groups`); always true in su.
  static bool InFieldGroups(const Environment& env, const Field& field);

  // Odoo's env.companies: the context's allowed_company_ids when given (each
  // must be one of the user's companies, res_company_users_rel(user_id,
  // cid), unless in su: AccessError otherwise), else all of the user's
  // companies (ordered by id).
  static std::vector<std::int64_t> AllowedCompanyIds(const Environment& env);
  // Odoo's env.company: the first of allowed_company_ids (checked as above),
  // else the user's company_id; 0 when the user has none.
  static std::int64_t CurrentCompanyId(const Environment& env);

  // The rule domain `domain` with its {"var": NAME} values replaced (see the
  // header comment); AccessError for an unknown variable. Public for tests.
  static Value SubstituteRuleVariables(const Environment& env, const Model& model,
                                       const Value& domain, bool* reads_database = nullptr);

  // Compile options for reads in `env`: active_test from the context, and the
  // read rules (with the model access check) of every model a domain's
  // sub-queries reach, so a domain cannot probe unreadable records.
  static DomainCompileOptions ReadCompileOptions(const Environment& env);
};

// Odoo's normalize_domain: the explicit '&' operators that make a domain one
// expression (so domains can be combined by prefixing operators). [] is
// [[1, "=", 1]]. A malformed domain is returned as is, for Parse to refuse.
Value NormalizeDomain(const Value& domain);

}  // namespace citadel::orm
