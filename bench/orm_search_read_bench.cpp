// What the ORM costs on the path every list view and script takes:
// search_read of 80 partners, 5 fields (country_id, a many2one, among them),
// out of 10,000, with an `ilike` domain, as the admin (model access rights
// and record rules really checked), against raw PostgreSQL doing the same
// work over the same libpq connection in the same run:
//
//   orm:       CallModelMethod(env, "res.partner", "search_read", ...) in a
//              REPEATABLE READ transaction (TransactionRunner), as one
//              external call runs;
//   reference: BEGIN REPEATABLE READ; the rows with the same filter (active,
//              ilike, the multi-company rule's predicate), order and limit;
//              the countries' names for the many2one; COMMIT.
//
// Prints median and p95 per call, the ratio, and the statements each path
// sends (the ORM: one for the rows, one per relational field, and its access
// checks). Usage: build/bench/orm_search_read_bench [--iterations N] [--rows N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "db/embedded_cluster.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "modules/base/base_module.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/environment.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/module_installer.hpp"
#include "orm/transaction_runner.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using citadel::orm::Value;

constexpr std::int64_t kAdminUid = 2;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Summary {
  double median = 0, p95 = 0;
};

Summary Summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))];
  };
  return {at(0.5), at(0.95)};
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "orm_search_read_bench: %s\n", what.c_str());
  std::exit(1);
}

void Check(const citadel::core::Result<citadel::db::QueryResult>& r) {
  if (!r) Die(r.error().message);
}

// Names drawn from syllables, so an `ilike` on one of them matches a few
// hundred rows of 10,000, like a user typing part of a name.
std::string PartnerName(int i) {
  static const char* const kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "an", "el"};
  std::string name;
  int n = i;
  for (int k = 0; k < 4; ++k) {
    name += kSyllables[n % 10];
    n /= 10;
  }
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name + " " + std::to_string(i);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 300;
  int rows = 10000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::max(10, std::atoi(argv[++i]));
    } else if (arg == "--rows" && i + 1 < argc) {
      rows = std::max(100, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--iterations N] [--rows N]\n", argv[0]);
      return 2;
    }
  }
  citadel::core::Log().SetLevel(citadel::core::LogLevel::kWarn);

  const std::string data_dir = citadel::db::testing::MakeTestDataDir("obench-");
  citadel::db::EmbeddedCluster cluster(citadel::db::testing::TestClusterOptions(data_dir));
  if (auto started = cluster.Start(); !started) Die(started.error().message);
  {
    auto conn = citadel::db::Connection::Open(cluster.SuperuserDsn("postgres"));
    if (!conn) Die(conn.error().message);
    Check(conn->Execute("CREATE DATABASE orm_bench"));
  }
  auto conn_result = citadel::db::Connection::Open(cluster.SuperuserDsn("orm_bench"));
  if (!conn_result) Die(conn_result.error().message);
  citadel::db::Connection& conn = *conn_result;

  citadel::orm::ModuleSet modules;
  modules.Add(citadel::modules::BaseModule());
  modules.Add(citadel::modules::ContactsModule());
  auto registry_result = modules.BuildRegistry();
  if (!registry_result) Die(registry_result.error().message);
  const auto registry = *registry_result;
  citadel::orm::InstallOptions install;
  install.registry = registry;
  if (auto installed = citadel::orm::InstallModules(conn, modules, install); !installed) {
    Die(installed.error().message);
  }

  // The data, created through the ORM so stored computes hold real values.
  citadel::orm::TransactionRunner runner(conn, registry);
  const auto seed0 = Clock::now();
  for (int start = 0; start < rows; start += 1000) {
    Value vals = Value::array();
    for (int i = start; i < std::min(rows, start + 1000); ++i) {
      vals.push_back({{"name", PartnerName(i)},
                      {"email", "contact" + std::to_string(i) + "@example.com"},
                      {"phone", "+32 2 555 " + std::to_string(1000 + i % 9000)},
                      {"city", i % 2 ? "Brussels" : "Lyon"},
                      {"country_id", i % 3 == 0 ? Value(false) : Value(1 + i % 50)}});
    }
    runner.Run([&] {
      citadel::orm::Environment env(registry, conn, kAdminUid);
      citadel::orm::CallModelMethod(env, "res.partner", "create", Value::array({vals}), Value::object());
    });
  }
  const double seed_ms = Millis(Clock::now() - seed0);
  Check(conn.Execute("ANALYZE"));

  const std::string needle = "kalo";
  const Value domain = Value::array({Value::array({"name", "ilike", needle})});
  const Value kwargs = {{"fields", {"name", "email", "phone", "city", "country_id"}}, {"limit", 80}};

  auto matching = conn.Execute("SELECT count(*) AS n FROM res_partner WHERE active AND name ILIKE $1",
                               "%" + needle + "%");
  Check(matching);

  std::vector<double> orm_ms, raw_ms;
  std::uint64_t orm_statements = 0, raw_statements = 0;
  std::size_t orm_rows = 0, raw_rows = 0;
  for (int i = 0; i < iterations; ++i) {
    // Alternate, so drift in the machine's load falls on both alike.
    const std::uint64_t s0 = conn.statements_sent();
    const auto t0 = Clock::now();
    Value result = runner.Run([&] {
      citadel::orm::Environment env(registry, conn, kAdminUid);
      return citadel::orm::CallModelMethod(env, "res.partner", "search_read", Value::array({domain}), kwargs);
    });
    orm_ms.push_back(Millis(Clock::now() - t0));
    orm_statements = conn.statements_sent() - s0;
    orm_rows = result.size();

    const std::uint64_t r0 = conn.statements_sent();
    const auto t1 = Clock::now();
    Check(conn.Execute("BEGIN ISOLATION LEVEL REPEATABLE READ"));
    auto found = conn.Execute(
        "SELECT p.id, p.name, p.email, p.phone, p.city, p.country_id FROM res_partner p "
        "WHERE p.active AND p.name ILIKE $1 "
        "AND (p.partner_share IS NOT TRUE OR p.company_id IS NULL OR p.company_id = ANY($2::int4[])) "
        "ORDER BY p.complete_name ASC, p.id DESC LIMIT 80",
        "%" + needle + "%", std::string("{1}"));
    Check(found);
    std::string country_ids = "{";
    for (int row = 0; row < found->rows(); ++row) {
      if (auto c = found->Get(row, "country_id")) country_ids += std::string(*c) + ",";
    }
    if (country_ids.back() == ',') country_ids.pop_back();
    country_ids += "}";
    Check(conn.Execute("SELECT id, name FROM res_country WHERE id = ANY($1::int4[])", country_ids));
    Check(conn.Execute("COMMIT"));
    raw_ms.push_back(Millis(Clock::now() - t1));
    raw_statements = conn.statements_sent() - r0;
    raw_rows = static_cast<std::size_t>(found->rows());
  }

  const Summary o = Summarize(orm_ms), r = Summarize(raw_ms);
  std::printf("search_read res.partner: %s of %d rows match 'ilike %s', 80 read, 5 fields, %d iterations\n",
              matching->Text(0, "n").c_str(), rows, needle.c_str(), iterations);
  std::printf("  (seeding %d partners through the ORM took %.0f ms)\n", rows, seed_ms);
  std::printf("  %-40s median %7.3f ms   p95 %7.3f ms   %llu statements\n", "orm: CallModelMethod search_read",
              o.median, o.p95, static_cast<unsigned long long>(orm_statements));
  std::printf("  %-40s median %7.3f ms   p95 %7.3f ms   %llu statements\n", "reference: hand-written SQL",
              r.median, r.p95, static_cast<unsigned long long>(raw_statements));
  std::printf("  ratio orm/reference (median): %.2f   (rows: orm %zu, reference %zu)\n", o.median / r.median,
              orm_rows, raw_rows);
  conn = citadel::db::Connection();
  (void)cluster.Stop();
  std::filesystem::remove_all(data_dir);
  return 0;
}
