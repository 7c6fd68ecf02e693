// Test-only: an in-memory evaluator of domains, the oracle of the property
// test (domain_property_pgtest.cpp). Written from Odoo 18's documented
// domain semantics and its expression.py / _condition_to_sql as a reader
// would state them ("!= keeps NULL rows", "x2many any ignores archived lines
// unless the sub-domain names active", "child_of on the model's own one2many
// walks up"), record by record, without SQL and without any of the compiler's
// code: where the two disagree, one of them misreads Odoo.
//
// It evaluates the canonical Domain (domain.hpp) in SQL's three-valued logic,
// because Odoo's remaining NOTs (around =like, child_of...) are SQL's.
//
// InMemoryDataSet owns its records; EvaluateDomain reads it. Not thread-safe
// while being filled; const use is.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "orm/domain.hpp"

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

 private:
  std::map<const Model*, std::map<std::int64_t, Row>> rows_;
  std::map<const Field*, std::set<std::pair<std::int64_t, std::int64_t>>> links_;
};

// The ids of domain.model()'s records the domain selects, `active_test` being
// the context's (the root's own active filter is WithActiveTest's business,
// as for the compiler).
std::set<std::int64_t> EvaluateDomain(const Domain& domain, const InMemoryDataSet& data, bool active_test);

}  // namespace citadel::orm::testing
