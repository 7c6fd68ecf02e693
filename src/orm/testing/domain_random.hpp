// Test-only: random domains on res.partner of the test registry for the
// property test: every operator on every field type, paths through
// many2one and x2many, any / not any, child_of / parent_of by id and by name,
// empty lists, false and null, '!', '&', '|' nested to a depth of 4. Values
// come mostly from the data set, so that domains select something.
// Deterministic for a seed; not thread-safe.
#pragma once

#include <cstdint>
#include <random>

#include "orm/testing/domain_test_data.hpp"
#include "orm/value.hpp"

namespace citadel::orm::testing {

class RandomDomains {
 public:
  RandomDomains(std::uint64_t seed, const DomainTestData& data);
  Value Next();

 private:
  Value Expression(const Model& model, int depth);
  Value List(const Model& model, int depth);
  Value Term(const Model& model, int depth);
  Value PartnerTerm(int depth);
  Value TagTerm(int depth);
  Value CountryTerm();

  Value StringTerm(const std::string& path, const std::vector<std::string>& pool);
  Value NumberTerm(const std::string& path, bool integer);
  Value BooleanTerm(const std::string& path);
  Value DateTerm(const std::string& path, bool datetime);
  Value SelectionTerm(const std::string& path);
  Value Many2oneTerm(const std::string& path, const Model& comodel, int count, bool hierarchy, int depth);
  Value X2manyTerm(const std::string& path, const Model& comodel, int count, int depth);
  Value IdTerm(const std::string& path, int count, bool hierarchy);
  Value Ids(int count, bool with_false);
  Value Names(const std::vector<std::string>& pool);
  Value Pattern(const std::vector<std::string>& pool);

  int Between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(engine_); }
  // By value: callers pick from temporary lists.
  template <class T>
  T Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Between(0, static_cast<int>(items.size()) - 1))];
  }

  std::mt19937_64 engine_;
  const DomainTestData& data_;
};

}  // namespace citadel::orm::testing
