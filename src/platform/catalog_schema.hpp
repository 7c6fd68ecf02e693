// The catalog database and its schema migrations.
//
// `citadel_catalog` lists every tenant of every cluster; no tenant role may
// connect to it (CONNECT revoked from PUBLIC). Its schema evolves by numbered
// migrations, applied in order, each in its own transaction together with
// its row in schema_version, so a crash leaves a migration either applied
// and recorded or not at all. Applying is idempotent.
//
// Concurrency: callers hold the bootstrap advisory lock (TenantService::Open)
// so two processes starting at once never migrate at the same time. The
// functions are stateless; a Connection is used by one thread.
#pragma once

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

inline constexpr const char* kCatalogDatabase = "citadel_catalog";

// On a provisioning connection to the maintenance database: creates the
// catalog database if it does not exist and revokes CONNECT from PUBLIC.
core::Result<void> EnsureCatalogDatabase(db::Connection& maintenance);

// On a provisioning connection to the catalog database. Returns the schema
// version in force afterwards.
core::Result<int> MigrateCatalog(db::Connection& catalog);

}  // namespace citadel::platform
