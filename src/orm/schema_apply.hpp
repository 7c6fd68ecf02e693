// Applying a SchemaPlan: each change becomes one or two db::ComposedSql
// statements (fixed fragments, registry names as db::Identifier, the one
// value, a column default, bound; a model's init, its own fixed statements), run on a connection that is inside a
// transaction. Steps marked depends_on_data run under a savepoint; their
// failure is rolled back to it and reported as a warning. Any other failure
// stops the apply and is returned; the caller rolls the transaction back.
//
// ComposeChange is pure, so the DDL text is unit-tested without a database.
// The connection is borrowed for the call, by one thread.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/composed_sql.hpp"
#include "db/connection.hpp"
#include "orm/schema_plan.hpp"

namespace citadel::orm {

// What a sync did, for `citadel tenant upgrade` and logs.
struct SchemaSyncReport {
  std::vector<std::string> applied;   // descriptions of the changes made, in order
  // What was left alone or could not be applied in this database; a step
  // its data refused reads "not applied: <description>: <PostgreSQL's error>".
  std::vector<std::string> warnings;
  // The descriptions of those refused steps (a unique constraint over
  // duplicates, NOT NULL over NULLs, a foreign key over dangling ids): the
  // schema is short of what the modules declare until the data allows them
  // and a sync runs again.
  std::vector<std::string> not_applied;
  std::vector<std::string> declaration_warnings;  // SchemaPlan's: the same for every database
  std::vector<FieldRef> fields_to_compute;
  bool changed() const { return !applied.empty(); }
  bool complete() const { return not_applied.empty(); }
};

// The statements of one change. kInvalidArgument if a name is not a valid
// identifier (the planner only emits registry names, so this means a bug).
core::Result<std::vector<db::ComposedSql>> ComposeChange(const SchemaChange& change);

// Runs `plan` on `connection`, which must be inside a transaction.
core::Result<SchemaSyncReport> ApplySchemaPlan(db::Connection& connection, const SchemaPlan& plan);

}  // namespace citadel::orm
