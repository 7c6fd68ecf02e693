// The property test of domain parsing and compiling: random domains over a
// generated data set, selected once by the SQL that Domain::Parse (after
// WithActiveTest) and CompileDomain make, on a real PostgreSQL, and once by
// the independent in-memory evaluator (testing/domain_evaluator.hpp), which
// reads the same raw JSON domain itself: prefix notation, leaf
// normalisation, '!', dotted paths, related fields and the root's active
// filter are each read twice, by two readings of Odoo 18. The two id sets
// must be equal, every time.
//
// Fixed seed and case count by default; CITADEL_DOMAIN_SEED and
// CITADEL_DOMAIN_CASES override them for a longer run:
// bench/domain_property.sh SEED CASES.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "db/composed_sql.hpp"
#include "db/connection.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "orm/domain_compiler.hpp"
#include "orm/errors.hpp"
#include "orm/testing/domain_evaluator.hpp"
#include "orm/testing/domain_random.hpp"
#include "orm/testing/domain_test_data.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm {
namespace {

using testing::TestPartner;
using Ids = std::set<std::int64_t>;

std::uint64_t FromEnvironment(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  return text && *text ? std::strtoull(text, nullptr, 10) : fallback;
}

std::string Show(const Ids& ids) {
  std::string text = "{";
  for (auto id : ids) text += (text.size() > 1 ? "," : "") + std::to_string(id);
  return text + "} (" + std::to_string(ids.size()) + ")";
}

db::Connection OpenFreshDatabase() {
  auto admin = db::Connection::Open(db::testing::PgTestCluster().SuperuserDsn("postgres"));
  EXPECT_TRUE(admin) << admin.error().message;
  (void)admin->Execute("DROP DATABASE IF EXISTS orm_domain_property");
  auto created = admin->Execute("CREATE DATABASE orm_domain_property");
  EXPECT_TRUE(created) << created.error().message;
  auto conn = db::Connection::Open(db::testing::PgTestCluster().SuperuserDsn("orm_domain_property"));
  EXPECT_TRUE(conn) << conn.error().message;
  return std::move(*conn);
}

core::Result<Ids> SelectIds(db::Connection& conn, const Domain& domain, bool active_test) {
  const db::Identifier alias = *db::Identifier::Make("t0");
  db::ComposedSql select("SELECT ");
  select.Qualified(alias, *db::Identifier::Make("id")).Sql(" FROM ").Name(*db::Identifier::Make("res_partner"));
  select.Sql(" AS ").Name(alias).Sql(" WHERE ").Append(CompileDomain(domain, alias, {.active_test = active_test}));
  auto rows = conn.ExecuteComposed(select);
  if (!rows) return core::Unexpected(rows.error());
  Ids ids;
  for (int r = 0; r < rows->rows(); ++r) ids.insert(std::stoll(std::string(*rows->Get(r, 0))));
  return ids;
}

TEST(DomainPropertyPg, CompiledSqlSelectsWhatTheEvaluatorSelects) {
  const std::uint64_t seed = FromEnvironment("CITADEL_DOMAIN_SEED", 20250101);
  const std::uint64_t cases = FromEnvironment("CITADEL_DOMAIN_CASES", 3000);
  const auto data = testing::GenerateDomainTestData(seed);
  db::Connection conn = OpenFreshDatabase();
  auto loaded = testing::LoadDomainTestData(conn, data);
  ASSERT_TRUE(loaded) << loaded.error().message;

  testing::RandomDomains domains(seed, data);
  std::mt19937_64 coin(seed ^ 0x5eed);
  int mismatches = 0, refused = 0, sql_errors = 0, unreadable = 0, selective = 0;
  std::chrono::duration<double> in_sql{0}, in_evaluator{0};
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < cases; ++i) {
    const Value raw = domains.Next();
    const bool active_test = std::bernoulli_distribution(0.8)(coin);
    const Value searched = WithActiveTest(raw, TestPartner(), active_test);
    std::optional<Domain> domain;
    try {
      domain = Domain::Parse(TestPartner(), searched);
    } catch (const ValidationError& e) {
      // The generator makes only valid domains: a refusal is a bug of one side.
      if (++refused <= 10) ADD_FAILURE() << "case " << i << " refused: " << e.what() << "\n  " << searched.dump();
      continue;
    }
    const auto before_sql = std::chrono::steady_clock::now();
    auto by_sql = SelectIds(conn, *domain, active_test);
    in_sql += std::chrono::steady_clock::now() - before_sql;
    if (!by_sql) {
      if (++sql_errors <= 10) ADD_FAILURE() << "case " << i << " SQL error: " << by_sql.error().message << "\n  " << searched.dump();
      continue;
    }
    // The evaluator reads the client's raw list itself, root active filter
    // included: nothing of Parse or WithActiveTest reaches it.
    const auto before_evaluator = std::chrono::steady_clock::now();
    Ids by_evaluator;
    try {
      by_evaluator = testing::EvaluateDomain(TestPartner(), raw, data.records, active_test);
    } catch (const std::invalid_argument& e) {
      if (++unreadable <= 10) ADD_FAILURE() << "case " << i << " unreadable by the evaluator: " << e.what();
      continue;
    }
    in_evaluator += std::chrono::steady_clock::now() - before_evaluator;
    if (*by_sql != by_evaluator) {
      if (++mismatches <= 20) {
        ADD_FAILURE() << "case " << i << " (seed " << seed << ", active_test " << active_test << ")\n  domain: "
                      << searched.dump() << "\n  SQL:       " << Show(*by_sql) << "\n  evaluator: " << Show(by_evaluator);
      }
    }
    if (!by_sql->empty() && static_cast<int>(by_sql->size()) < data.partners) ++selective;
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "[ domains  ] seed " << seed << ": " << cases << " cases in " << seconds << " s (SQL "
            << in_sql.count() << " s, evaluator " << in_evaluator.count() << " s); " << selective
            << " selected some but not all partners; " << mismatches << " mismatches, " << refused << " refused, "
            << sql_errors << " SQL errors, " << unreadable << " unreadable by the evaluator\n";
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(refused, 0);
  EXPECT_EQ(sql_errors, 0);
  EXPECT_EQ(unreadable, 0);
  // Domains that select nothing or everything prove little: most must not.
  EXPECT_GT(selective, static_cast<int>(cases / 3));
}

}  // namespace
}  // namespace citadel::orm
