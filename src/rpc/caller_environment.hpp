// The Environment a client's model call runs in, for every transport
// (execute_kw, the web session's call_kw, JSON-2): the ORM's, carrying the
// tenant's cached rights (orm/security_cache.hpp), whose version is read
// here, in the call's transaction, before the call does anything; and the
// tenant's sealed file store for binary fields (one per tenant database,
// platform/tenant_file_stores.hpp), when the services have them.
//
// Call it inside the transaction, after the credential check and before any
// write. Throws orm::DatabaseError when PostgreSQL fails.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

// `version`: the security version when the caller read it already in this
// transaction (FindUserByIdWithSecurityVersion).
orm::Environment CallerEnvironment(RpcServices& services, db::Connection& connection,
                                   const std::string& tenant, std::int64_t uid,
                                   std::optional<orm::SecurityVersion> version = std::nullopt);

// Whether the caller may read the version with its credentials
// (FindUserByIdWithSecurityVersion): the tenant is known to have the signal.
bool SecurityVersionReadable(RpcServices& services, const std::string& tenant);

}  // namespace citadel::rpc
