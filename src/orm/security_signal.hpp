// The security signal: one row per tenant database, (epoch, version), that
// changes in the same transaction as any change to what AccessGuard reads
// (model access rights, record rules, users' groups and companies, the
// external ids of groups). SecurityCache keeps that data across calls and
// trusts it for exactly one (epoch, version): a call reads the row in its own
// transaction, so it never acts on rights older than its snapshot.
//
// Triggers do the bumping, so that nothing (the ORM, a module's fixed SQL, an
// operator's psql) can change rights without it. The row update is
// transactional: a change rolled back leaves the version as it was, and the
// row lock serialises the (rare) transactions that change rights. Odoo does
// the same with its registry signalling sequences, which are not
// transactional; a row is, which is what makes the cache sound.
//
// epoch is random per database: tenant provisioning renews it after copying
// the template (platform/tenant_provisioner.cpp, a fixed statement), so two tenants (or a dropped tenant and its namesake) never
// share an (epoch, version). A restored backup keeps its epoch and version,
// which is sound: that pair named exactly that state of the rights.
//
// Watched: ir_model, ir_model_access, ir_rule, rule_group_rel,
// res_groups_users_rel, res_company_users_rel (any statement), res_users
// (UPDATE OF company_id, partner_id, active), res_company (INSERT, DELETE,
// UPDATE OF parent_id) and ir_model_data rows of res.groups. Created by SchemaSync only when all those tables exist (a
// database with base installed); without it, callers use AccessGuard's
// uncached queries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::orm {

struct SecurityVersion {
  std::string epoch;  // a uuid's text
  std::int64_t version = 0;
  bool operator==(const SecurityVersion&) const = default;
};

// Creates (or brings up to date) the signal table, its function and its
// triggers when the watched tables exist; otherwise does nothing. Idempotent;
// inside the caller's transaction.
core::Result<void> EnsureSecuritySignal(db::Connection& connection);

// Whether the database has the signal table.
core::Result<bool> HasSecuritySignal(db::Connection& connection);

// The current (epoch, version), as the caller's transaction sees it.
core::Result<SecurityVersion> ReadSecurityVersion(db::Connection& connection);

}  // namespace citadel::orm
