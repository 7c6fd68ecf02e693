// How long creating a tenant takes, against raw PostgreSQL doing the same core
// work in the same run.
//
//   citadel:   TenantService::Create: catalog row, role with a SCRAM verifier,
//              CREATE DATABASE from the prepared template, REASSIGN OWNED,
//              REVOKEs, admin password hash (PBKDF2 at --rounds), catalog update.
//   reference: the same cluster, superuser, CREATE ROLE + CREATE DATABASE ...
//              TEMPLATE citadel_template: the clone alone, no bookkeeping.
//
// The cluster runs with production durability (fsync on). Usage:
//   build/bench/tenant_create_bench [--iterations N] [--rounds R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/password_hasher.hpp"
#include "db/connection.hpp"
#include "db/embedded_cluster.hpp"
#include "db/identifier.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "db/utility_statement.hpp"
#include "platform/tenant_service.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using citadel::core::Log;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Summary {
  double median = 0, p95 = 0, min = 0;
};

Summary Summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) { return samples[static_cast<std::size_t>(q * static_cast<double>(samples.size() - 1))]; };
  return {at(0.5), at(0.95), samples.front()};
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "tenant_create_bench: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 20;
  std::uint32_t rounds = citadel::core::kDefaultPbkdf2Rounds;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--iterations" && i + 1 < argc) {
      iterations = std::max(2, std::atoi(argv[++i]));
    } else if (arg == "--rounds" && i + 1 < argc) {
      rounds = static_cast<std::uint32_t>(std::max(1, std::atoi(argv[++i])));
    } else {
      std::fprintf(stderr, "usage: %s [--iterations N] [--rounds R]\n", argv[0]);
      return 2;
    }
  }
  Log().SetLevel(citadel::core::LogLevel::kWarn);

  std::string data_dir = citadel::db::testing::MakeTestDataDir("cbench-");
  citadel::db::EmbeddedClusterOptions options;
  options.data_dir = data_dir;
  citadel::db::EmbeddedCluster cluster(options);
  if (auto started = cluster.Start(); !started) Die(started.error().message);

  citadel::platform::TenantServiceOptions service_options;
  service_options.data_dir = data_dir;
  service_options.pbkdf2_rounds = rounds;
  service_options.harden_maintenance_databases = true;
  auto tenants = citadel::platform::TenantService::Open(cluster.Access(), service_options);
  if (!tenants) Die(tenants.error().message);

  std::vector<double> citadel_ms, reference_ms, hash_ms;
  citadel::core::PasswordHasher hasher(rounds);
  {
    auto super = citadel::db::Connection::Open(cluster.SuperuserDsn("postgres"));
    if (!super) Die(super.error().message);

    for (int i = 0; i < iterations; ++i) {
      std::string name = "bench-" + std::to_string(i);
      auto t0 = Clock::now();
      auto created = (*tenants)->Create({name, "admin", "a-benchmark-password"});
      citadel_ms.push_back(Millis(Clock::now() - t0));
      if (!created) Die(created.error().message);

      auto h0 = Clock::now();
      (void)hasher.Hash("a-benchmark-password");
      hash_ms.push_back(Millis(Clock::now() - h0));

      auto ident = citadel::db::Identifier::Make("bench_ref_" + std::to_string(i));
      if (!ident) Die(ident.error().message);
      auto role = citadel::db::UtilityStatementBuilder(*super)
                      .Sql("CREATE ROLE ")
                      .Name(*ident)
                      .Sql(" LOGIN")
                      .Build();
      auto database = citadel::db::UtilityStatementBuilder(*super)
                          .Sql("CREATE DATABASE ")
                          .Name(*ident)
                          .Sql(" TEMPLATE citadel_template OWNER ")
                          .Name(*ident)
                          .Build();
      if (!role || !database) Die("cannot compose the reference statements");
      auto r0 = Clock::now();
      if (auto r = super->ExecuteUtility(*role); !r) Die(r.error().message);
      if (auto r = super->ExecuteUtility(*database); !r) Die(r.error().message);
      reference_ms.push_back(Millis(Clock::now() - r0));
    }
  }  // the superuser connection closes before the cluster stops

  Summary c = Summarize(citadel_ms), r = Summarize(reference_ms), h = Summarize(hash_ms);
  std::vector<double> without_hash;
  for (std::size_t i = 0; i < citadel_ms.size(); ++i)
    without_hash.push_back(citadel_ms[i] - hash_ms[i]);
  Summary w = Summarize(without_hash);
  std::printf("tenant create, %d iterations, PBKDF2 %u rounds, fsync on\n", iterations, rounds);
  std::printf("  %-34s median %8.1f ms   p95 %8.1f ms   min %8.1f ms\n",
              "citadel TenantService::Create", c.median, c.p95, c.min);
  std::printf("  %-34s median %8.1f ms\n", "  of which the admin password hash", h.median);
  std::printf("  %-34s median %8.1f ms\n", "  without the hash (estimate)", w.median);
  std::printf("  %-34s median %8.1f ms   p95 %8.1f ms   min %8.1f ms\n",
              "reference: raw CREATE ROLE+DATABASE", r.median, r.p95, r.min);
  std::printf("  ratio citadel/reference (median): %.2f; without the hash: %.2f\n",
              c.median / r.median, w.median / r.median);

  tenants->reset();
  (void)cluster.Stop();
  std::filesystem::remove_all(data_dir);
  return 0;
}
