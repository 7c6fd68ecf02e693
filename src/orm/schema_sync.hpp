// SchemaSync: installs and upgrades the database schema of a Registry's
// models on one database (a tenant, or the template database new tenants are
// cloned from): tables, columns, foreign keys, indexes, many2many link
// tables and unique constraints, as Odoo 18 lays them out.
//
//   auto sync = SchemaSync::Create(registry);          // checks the declarations
//   auto report = sync->Run(connection);               // BEGIN ... COMMIT
//   for (auto& line : report->applied) ...             // progress for the CLI
//
// What it does and refuses to do is described in schema_plan.hpp (never
// drops a column or table, converts only safe widenings, NOT NULL only when
// it cannot fail) and schema_wanted.hpp (Odoo's types and names). A run:
//   1. takes a transaction-level advisory lock, so two servers upgrading the
//      same database at once run one after the other;
//   2. reads what the database has (schema_introspection.hpp);
//   3. plans the changes (schema_plan.hpp, pure);
//   4. applies them (schema_apply.hpp);
//   5. once base's tables are there, brings the security signal's triggers
//      up to date (security_signal.hpp).
// All in one transaction: on any error nothing is left half done. Running it
// again changes nothing. All SQL is fixed text, registry names and bound
// values (db::ComposedSql, db::SqlText); no SQL text comes from input.
//
// Ownership: SchemaSync shares the registry (immutable) and holds the
// described schema; it is immutable, so one instance serves every thread.
// Each call borrows a connection for its duration.
#pragma once

#include <memory>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "orm/registry.hpp"
#include "orm/schema_apply.hpp"
#include "orm/schema_plan.hpp"
#include "orm/schema_wanted.hpp"

namespace citadel::orm {

class SchemaSync {
 public:
  // Describes what `registry` needs. kInvalidArgument (naming the module's
  // model and constraint) for an SQL constraint that is malformed or names a
  // column the model does not store, or a name PostgreSQL cannot take. Call
  // it at start, next to RegistryBuilder::Build, so a mistake fails there.
  static core::Result<SchemaSync> Create(std::shared_ptr<const Registry> registry);

  // In a transaction of its own. `connection` must be idle (not in a
  // transaction); it is idle again afterwards, whatever the outcome.
  core::Result<SchemaSyncReport> Run(db::Connection& connection) const;

  // Inside the caller's transaction (e.g. schema and data of a module upgrade
  // in one), under a savepoint: on failure it is rolled back to that
  // savepoint and the caller's transaction stays usable. Fails when the
  // connection is not in a transaction block.
  core::Result<SchemaSyncReport> RunInTransaction(db::Connection& connection) const;

  // What Run would do, without changing anything (reads only).
  core::Result<SchemaPlan> Preview(db::Connection& connection) const;

  const WantedSchema& wanted() const { return wanted_; }

 private:
  SchemaSync(std::shared_ptr<const Registry> registry, WantedSchema wanted)
      : registry_(std::move(registry)), wanted_(std::move(wanted)) {}

  std::shared_ptr<const Registry> registry_;
  WantedSchema wanted_;
};

}  // namespace citadel::orm
