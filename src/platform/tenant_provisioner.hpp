// The cluster side of a tenant: its login role and its database, made by
// cloning the template, and their removal.
//
// A tenant role can do nothing outside its own database: NOSUPERUSER
// NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT, no membership
// in any role, a connection limit, a password known to PostgreSQL only as a
// SCRAM verifier. Its database has CONNECT revoked from PUBLIC, granted to
// the role alone; the template's objects are reassigned to the role, and the
// public schema's privileges are revoked from PUBLIC.
//
// Create undoes its own partial work on failure (drops what it made).
// Stateless; connections are used by one thread.
#pragma once

#include <string>

#include "core/result.hpp"
#include "db/cluster_access.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

struct TenantDatabaseSpec {
  std::string name;  // the opaque t_<id>, used for both the role and the database
  std::string role_password;
  int connection_limit = 15;
  bool empty = false;  // from template0, for a restore; else a clone of the template
};

// `maintenance`: a provisioning connection to the maintenance database.
core::Result<void> CreateTenantDatabase(const db::ClusterAccess& access,
                                        db::Connection& maintenance,
                                        const TenantDatabaseSpec& spec,
                                        bool provisioner_is_superuser);

// Ends every session on the database, drops it, then drops the role. Absent
// objects are fine (a retried drop).
core::Result<void> DropTenantDatabase(db::Connection& maintenance, const std::string& name);

}  // namespace citadel::platform
