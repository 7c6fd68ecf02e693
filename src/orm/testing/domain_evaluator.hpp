// Test-only: an in-memory evaluator of domains, the oracle of the property
// test (domain_property_pgtest.cpp). It takes the client's RAW JSON domain,
// exactly what reaches the ORM's Domain::Parse, and reads it itself
// (testing/domain_evaluator_reading.hpp: prefix notation, leaf
// normalisation, dotted paths, '!', the merge of `any` leaves), then selects
// records one by one without SQL, following Odoo 18's documented semantics
// and the facts of odoo/osv/expression.py, odoo/models.py (_where_calc,
// _condition_to_sql, _search_display_name) and odoo/fields.py
// (_search_related), restated rather than copied:
//   * the root hides archived records unless the client's list names
//     `active` in one of its own items, or active_test is off;
//   * many2one: "any D" and name searches look at the comodel with active_test
//     off; an unset link is in no set (SQL's unknown, false for an empty set);
//     "not any" and negative name searches hold for an unset link;
//   * x2many: "any D" looks at lines as the context's active_test sees them,
//     unless D names `active`; "= false" is "has no line" (one2many: no line
//     the context sees); a name is searched on the comodel; ids are lines;
//   * child_of / parent_of: the given records (ids or names) and every
//     record below / above them, walked with active_test off; on the model's
//     own one2many (child_ids) "child_of X" are the records whose children
//     are under X: X and its ancestors;
//   * a non-stored related field "a.b" is "a in (b op v)", or also "a unset"
//     when the leaf looks for unset values (positive operator with an unset
//     value, negative one with a set value);
//   * display_name is searched on the model's rec_name.
// Where Odoo's implementation contradicts its documentation, this follows
// the documentation and says so: "<>" is "!=" (Odoo 18 negates a '!'-ed
// "<>" leaf as SQL's NOT instead). Where Odoo fails (parent_of a missing
// id raises MissingError), a missing record is simply absent.
//
// InMemoryDataSet owns its records; EvaluateDomain reads it. Not thread-safe
// while being filled; const use is. EvaluateDomain throws
// std::invalid_argument for a domain it cannot read.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::testing {

class InMemoryDataSet {
 public:
  // Column values by field name; a missing field or null is NULL. A many2one
  // holds the id. Dates "YYYY-MM-DD", datetimes "YYYY-MM-DD HH:MM:SS".
  using Row = std::map<std::string, Value, std::less<>>;

  void Add(const Model& model, std::int64_t id, Row values);
  void Link(const Field& many2many, std::int64_t record_id, std::int64_t target_id);

  const std::map<std::int64_t, Row>& Rows(const Model& model) const;
  const std::set<std::pair<std::int64_t, std::int64_t>>& Links(const Field& many2many) const;

  // The same rows as cells by the field's position in model.fields() (null
  // where unset), which the evaluator reads for speed.
  using Cells = std::vector<Value>;
  const std::map<std::int64_t, Cells>& CellsOf(const Model& model) const;

 private:
  std::map<const Model*, std::map<std::int64_t, Row>> rows_;
  std::map<const Model*, std::map<std::int64_t, Cells>> cells_;
  std::map<const Field*, std::set<std::pair<std::int64_t, std::int64_t>>> links_;
};

// The ids of `model`'s records that a search with the client's `domain`
// finds in a context whose active_test is `active_test`.
std::set<std::int64_t> EvaluateDomain(const Model& model, const Value& domain, const InMemoryDataSet& data,
                                      bool active_test);

}  // namespace citadel::orm::testing
