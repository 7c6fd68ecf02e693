#include "orm/schema_sync.hpp"

#include <utility>

#include "orm/schema_introspection.hpp"
#include "orm/security_signal.hpp"

namespace citadel::orm {
namespace {

core::Result<SchemaPlan> ReadAndPlan(db::Connection& connection, const WantedSchema& wanted) {
  auto existing = IntrospectSchema(connection, wanted.TableNames());
  if (!existing) return core::Unexpected(existing.error());
  return PlanSchemaChanges(wanted, *existing);
}

}  // namespace

core::Result<SchemaSync> SchemaSync::Create(std::shared_ptr<const Registry> registry) {
  if (!registry)
    return core::Fail(core::ErrorCode::kInvalidArgument, "schema sync without a registry");
  auto wanted = DescribeWantedSchema(*registry);
  if (!wanted) return core::Unexpected(wanted.error());
  return SchemaSync(std::move(registry), std::move(*wanted));
}

core::Result<SchemaPlan> SchemaSync::Preview(db::Connection& connection) const {
  return ReadAndPlan(connection, wanted_);
}

core::Result<SchemaSyncReport> SchemaSync::RunInTransaction(db::Connection& connection) const {
  // SAVEPOINT outside a transaction block is an error, which is the check
  // that the caller did open one.
  if (auto r = connection.Execute("SAVEPOINT citadel_schema_sync"); !r) {
    return core::Fail(r.error().code, "schema sync needs a transaction: " + r.error().message);
  }
  auto run = [&]() -> core::Result<SchemaSyncReport> {
    // Held until the caller's transaction ends: a concurrent sync of this
    // database waits, then finds the work done.
    if (auto r =
            connection.Execute("SELECT pg_advisory_xact_lock(hashtext($1))", "citadel.schema_sync");
        !r) {
      return core::Unexpected(r.error());
    }
    auto plan = ReadAndPlan(connection, wanted_);
    if (!plan) return core::Unexpected(plan.error());
    auto applied = ApplySchemaPlan(connection, *plan);
    if (!applied) return applied;
    // After the tables: the triggers that tell SecurityCache the rights changed.
    if (auto signal = EnsureSecuritySignal(connection); !signal) return core::Unexpected(signal.error());
    return applied;
  };
  auto report = run();
  if (!report) {
    (void)connection.Execute("ROLLBACK TO SAVEPOINT citadel_schema_sync");
    (void)connection.Execute("RELEASE SAVEPOINT citadel_schema_sync");
    return report;
  }
  if (auto r = connection.Execute("RELEASE SAVEPOINT citadel_schema_sync"); !r)
    return core::Unexpected(r.error());
  return report;
}

core::Result<SchemaSyncReport> SchemaSync::Run(db::Connection& connection) const {
  if (!connection.IsReusable()) {
    return core::Fail(
        core::ErrorCode::kInvalidArgument,
        "schema sync needs an idle connection (use RunInTransaction inside a transaction)");
  }
  if (auto r = connection.Execute("BEGIN"); !r) return core::Unexpected(r.error());
  auto report = RunInTransaction(connection);
  if (!report) {
    (void)connection.Execute("ROLLBACK");
    return report;
  }
  if (auto r = connection.Execute("COMMIT"); !r) {
    (void)connection.Execute("ROLLBACK");
    return core::Unexpected(r.error());
  }
  return report;
}

}  // namespace citadel::orm
