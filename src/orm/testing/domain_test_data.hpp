// Test-only: the property test's data set on the test registry
// (domain_test_registry.hpp): countries, a tag hierarchy (with archived tags
// and a cycle), and a few hundred partners in a forest, with NULLs in every
// column, generated from a seed; held in memory for the evaluator and
// loaded into PostgreSQL for the compiled SQL.
//
// The tables are the minimum the test needs (a column per stored field, the
// many2many link table), made here with db::ComposedSql; the real schema is
// the schema sync's business. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "orm/testing/domain_evaluator.hpp"

namespace citadel::orm::testing {

struct DomainTestData {
  InMemoryDataSet records;
  int partners = 0;
  int countries = 0;
  int tags = 0;
  // Values that occur in the data, for domains that match something.
  std::vector<std::string> partner_names;
  std::vector<std::string> tag_names;
  std::vector<std::string> country_names;
  std::vector<std::string> country_codes;
  std::vector<std::string> words;  // in comments
  std::vector<double> credits;
  std::vector<std::string> dates;
  std::vector<std::string> datetimes;
};

DomainTestData GenerateDomainTestData(std::uint64_t seed, int partners = 300);

// Creates the tables of the test registry's models in the connection's
// database and inserts the data set.
core::Result<void> LoadDomainTestData(db::Connection& connection, const DomainTestData& data);

}  // namespace citadel::orm::testing
