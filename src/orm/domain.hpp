// Odoo domains: the search filters clients send (`[["name", "ilike", "acme"],
// "|", ["active", "=", false], ["parent_id.country_id.code", "=", "BE"]]`),
// parsed, checked against the registry and put in the canonical form Odoo 18
// gives them before compiling (domain_compiler.hpp turns that form into SQL).
//
// Domain::Parse does, in this order, what Odoo 18's expression.py does before
// its parse loop:
//   * structure: prefix notation with '&', '|', '!', an implicit '&' between
//     consecutive expressions (normalize_domain); TRUE_LEAF [1, "=", 1] and
//     FALSE_LEAF [0, "=", 1];
//   * terms [path, operator, value]: every path segment a field of the registry,
//     every operator one of Odoo's (lower case; "<>" is read as "!="), every
//     value of a type the operator and field accept (normalize_leaf: `in` with a
//     boolean becomes `=`, `=` with a list becomes `in`; JSON null is read as
//     false, except "= null" on a boolean, which is IS NULL as in Odoo; a
//     10-character date on a datetime gets its time of day);
//   * dotted paths become `any` conditions (_anyfy_leaves): "a.b = v" is
//     "a any [b = v]"; `display_name` is searched through the model's rec_name;
//     non-stored related fields through their path, as fields.py's
//     _search_related: a many2one step of the related path also matches an
//     unset link when the leaf looks for unset values (a positive operator
//     with false/null, a negative one with a value), and '!' on such a leaf
//     negates its operator before the expansion;
//   * '!' is pushed into the terms by negating their operators (_tree_not), so
//     a remaining kNot only wraps `=like`, `=ilike`, `child_of` or `parent_of`;
//     '&' and '|' become n-ary and absorb TRUE/FALSE (_tree_and, _tree_or);
//   * `any` conditions on the same field are merged (_tree_combine_anies).
// Anything wrong throws ValidationError naming the term; nothing of the input
// reaches SQL text except through the registry's Fields.
//
// Bounds (each beyond is a ValidationError): kMaxDomainTerms terms in all,
// nesting depth kMaxDomainDepth, kMaxDomainListItems items in one list value,
// kMaxDomainString bytes in one string.
//
// A Domain is an immutable value; it points into the Registry it was parsed
// against, which must outlive it. Safe to share between threads once built.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm {

inline constexpr std::size_t kMaxDomainTerms = 1000;
inline constexpr int kMaxDomainDepth = 64;
inline constexpr std::size_t kMaxDomainListItems = 10000;
inline constexpr std::size_t kMaxDomainString = 64 * 1024;
// All list items of one domain together: a thousand lists of ten thousand
// items would still be a denial of service.
inline constexpr std::size_t kMaxDomainListItemsTotal = 100000;

enum class DomainOperator {
  kEqual,          // =
  kNotEqual,       // != (and <>)
  kLess,           // <
  kGreater,        // >
  kLessEqual,      // <=
  kGreaterEqual,   // >=
  kEqualOrTrue,    // =? : true when the value is false, else =
  kLike,           // like: the value wrapped in %...%
  kNotLike,        // not like
  kIlike,          // ilike
  kNotIlike,       // not ilike
  kEqualLike,      // =like: the value is the pattern
  kEqualIlike,     // =ilike
  kIn,             // in: a list, possibly empty
  kNotIn,          // not in
  kChildOf,        // child_of: the records under the given ones (included)
  kParentOf,       // parent_of: the records above the given ones (included)
  kAny,            // any: a sub-domain on a relational field's comodel
  kNotAny,         // not any
};

// Odoo's spelling ("not ilike").
std::string_view DomainOperatorName(DomainOperator op);
// Odoo's spelling to the operator; "<>" gives kNotEqual. Exact, lower case.
std::optional<DomainOperator> DomainOperatorFromName(std::string_view name);
// Odoo's NEGATIVE_TERM_OPERATORS: !=, not like, not ilike, not in.
bool IsNegativeOperator(DomainOperator op);
// Odoo's TERM_OPERATORS_NEGATION; nullopt for =?, =like, =ilike, child_of,
// parent_of, which '!' cannot push through.
std::optional<DomainOperator> NegatedOperator(DomainOperator op);

// One node of a domain in canonical form.
struct DomainNode {
  enum class Kind { kTrue, kFalse, kAnd, kOr, kNot, kCondition };
  Kind kind = Kind::kTrue;
  // kAnd, kOr: two or more children, none of the same kind nor TRUE/FALSE.
  // kNot: exactly one kCondition (=like, =ilike, child_of or parent_of), or
  // what such a condition on a related field expands to.
  std::vector<DomainNode> children;

  // kCondition only: `field` (of the model the node applies to) `op` `value`.
  const Field* field = nullptr;
  DomainOperator op = DomainOperator::kEqual;
  // Checked and normalised for the field and operator: false for "empty"
  // (but a boolean's "= null" / "!= null" keeps null: IS [NOT] NULL);
  // integers, floats, booleans and strings as the field type wants (dates
  // "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS"); a list for in/not in;
  // for child_of/parent_of a list of ids or of names; null for any/not any.
  Value value;
  // kAny, kNotAny: the condition on field->comodel().
  std::shared_ptr<const DomainNode> subdomain;
  // The client's term this condition comes from, as text, for messages.
  std::string term;
};

class Domain {
 public:
  // Parses a client's domain (a JSON array) for `model`; throws
  // ValidationError naming the offending term.
  static Domain Parse(const Model& model, const Value& domain);
  // A domain from a node already in canonical form (the node's fields must
  // belong to `model`); for code that builds domains itself.
  static Domain FromCanonical(const Model& model, DomainNode root);

  const Model& model() const { return *model_; }
  const DomainNode& root() const { return root_; }

 private:
  Domain(const Model& model, DomainNode root) : model_(&model), root_(std::move(root)) {}
  const Model* model_;
  DomainNode root_;
};

// Odoo's _where_calc: unless `active_test` is false or the domain names the
// field `active` in one of its own terms (not inside an `any`), a model with
// an `active` field gets ["active", "=", true] in front, so archived records
// are hidden. Works on the client's raw domain, as Odoo does, before Parse;
// a value that is not a list is returned as is (Parse refuses it).
Value WithActiveTest(const Value& domain, const Model& model, bool active_test);

// Whether a canonical domain names the field `name` in a condition of its own
// (through '&', '|', '!' but not inside `any`): the check Odoo's _where_calc
// makes on the sub-domains of x2many conditions before adding `active`.
bool MentionsFieldAtTop(const DomainNode& node, std::string_view name);

}  // namespace citadel::orm
