// Internal to the domain parser (domain_parse.cpp, domain_term_value.cpp,
// domain_canonical.cpp): the steps Domain::Parse is made of, and the few
// predicates the compiler (domain_sql_builder.hpp) shares with them. Not for
// other parts of the ORM; they use domain.hpp. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "orm/domain.hpp"

namespace citadel::orm::domain_internal {

// How a field is searched; Odoo's _condition_to_sql treats these apart.
enum class SearchKind {
  kId,          // the `id` field: never NULL, no "0 means empty" rule
  kNumber,      // integer, float, monetary: false means 0, NULL counts as 0
  kCharacters,  // char, text, html: false means '', NULL counts as ''
  kSelection,   // a string, but false means NULL only
  kBoolean,     // NULL counts as false
  kDate,
  kDatetime,
  kMany2one,
  kX2many,      // one2many, many2many
  kUnsearchable,
};
SearchKind SearchKindOf(const Field& field);

// Python's truthiness of a JSON value (false, 0, 0.0, "", [] and null are false).
bool IsTruthy(const Value& value);
// The value false itself (not null, not 0).
inline bool IsFalse(const Value& value) { return value.is_boolean() && !value.get<bool>(); }

// <, >, <=, >=.
inline bool IsOrdering(DomainOperator op) {
  return op == DomainOperator::kLess || op == DomainOperator::kGreater ||
         op == DomainOperator::kLessEqual || op == DomainOperator::kGreaterEqual;
}
// like, not like, ilike, not ilike: the operators that wrap their value in %...%.
inline bool IsWildcard(DomainOperator op) {
  return op == DomainOperator::kLike || op == DomainOperator::kNotLike ||
         op == DomainOperator::kIlike || op == DomainOperator::kNotIlike;
}

// The client's term as text for messages: `["nope", "=", 1]`, shortened.
std::string TermText(const Value& term);
[[noreturn]] void FailTerm(const std::string& term, const std::string& why);

// Checks `value` for `op` on `field` (the last field of the term's path) and
// returns the normalised operator and value (see DomainNode::value). Throws
// ValidationError naming `term`. Not for any/not any, which the parser handles.
struct CheckedValue {
  DomainOperator op;
  Value value;
};
CheckedValue CheckTermValue(const Field& field, DomainOperator op, Value value, const std::string& term);

// The canonical-form builders, each one of Odoo 18's tree functions.
DomainNode MakeTrue();
DomainNode MakeFalse();
DomainNode Negate(DomainNode node);                 // _tree_not
DomainNode AllOf(std::vector<DomainNode> nodes);    // _tree_and
DomainNode OneOf(std::vector<DomainNode> nodes);    // _tree_or
DomainNode CombineAnies(DomainNode node);           // _tree_combine_anies
// Conditions on non-stored related fields, left by the parser until '!' and
// the merge of anies are done, replaced by their path (fields.py
// _search_related): "f op v" with f related to "a.b" is "a any [b op v]",
// OR "a unset" when a is a many2one that is not required and the condition
// looks for unset values (a positive operator with false/null, or a
// negative one with a value).
DomainNode ExpandRelated(DomainNode node);

}  // namespace citadel::orm::domain_internal
