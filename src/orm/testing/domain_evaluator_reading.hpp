// Test-only, internal to the in-memory evaluator (domain_evaluator.hpp): its
// own reading of a client's raw JSON domain, written from Odoo 18's
// documentation of domains and the docstrings of odoo/osv/expression.py, and
// deliberately sharing nothing with the ORM's parser (domain_parse.cpp) but
// the registry's field metadata. Where the two readings differ, the property
// test's SQL and the evaluator select different rows.
//
// What the reading does, in Odoo's words:
//   * prefix notation: '&' and '|' take the two expressions after them, '!'
//     one; what remains at the end is AND-ed (the implicit '&');
//     [1, "=", 1] is TRUE and [0, "=", 1] FALSE;
//   * a leaf's operator is Odoo's (lower case); "<>" is "strictly the same
//     as '!='"; `in` with a boolean means `=`, `=` with a list means `in`;
//   * "a.b.c op v" on relational fields means "a any [b any [c op v]]";
//   * '!' negates the operator of a leaf when the operator has an opposite
//     (= and !=, < and >=, in and not in, like and not like, any and not any
//     ...); '=?' is settled first (a truthy value makes it '=', a falsy one
//     makes the negated leaf FALSE); the other leaves (=like, =ilike,
//     child_of, parent_of) keep a NOT, which is SQL's and three-valued;
//   * AND and OR are n-ary, TRUE vanishes from an AND and ends an OR (FALSE
//     the other way round);
//   * `any` leaves on one field are merged where Odoo documents it: any OR
//     any, not any AND not any; for a many2one also any AND any, not any OR
//     not any. It matters because an x2many sub-search hides archived lines
//     unless its (merged) sub-domain names `active`.
//
// Pure functions; an Expr is an immutable value once read. Throws
// std::invalid_argument for what it cannot read (a malformed domain, an
// unknown field or operator).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::testing::evaluator {

struct Expr {
  enum class Kind { kTrue, kFalse, kAnd, kOr, kNot, kLeaf };
  Kind kind = Kind::kTrue;
  std::vector<Expr> children;  // kAnd, kOr: two or more; kNot: one leaf
  // kLeaf: `field` (one field of the model, no dots left) `op` `value`.
  const Field* field = nullptr;
  std::string op;
  Value value;                       // as the client wrote it (null kept)
  std::shared_ptr<const Expr> sub;   // any / not any: on field->comodel()
};

// The raw domain read for `model`, negations pushed, anies merged.
Expr ReadDomain(const Model& model, const Value& domain);

// A leaf (for sub-searches the evaluator makes itself: name searches,
// related fields), with its value normalised as a client's would be.
Expr MakeLeaf(const Field& field, std::string op, Value value);
Expr MakeAny(const Field& field, std::string op, Expr sub);
Expr MakeAnd(std::vector<Expr> children);
Expr MakeOr(std::vector<Expr> children);
Expr Negate(Expr expr);

// Odoo's _where_calc check on a domain it is about to search: does one of
// the domain's own leaves (not one inside an `any`) name `active`?
bool NamesActive(const Expr& expr);
// The same check on a client's raw list, as Odoo makes it before reading:
// an item whose first element is "active".
bool RawNamesActive(const Value& domain);

// Python's truthiness of a JSON value.
bool PythonTruthy(const Value& value);
// Odoo's NEGATIVE_TERM_OPERATORS.
bool IsNegative(const std::string& op);
// The opposite operator, or "" when there is none.
std::string Opposite(const std::string& op);

}  // namespace citadel::orm::testing::evaluator
