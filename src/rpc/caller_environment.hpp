// The Environment a client's model call runs in, for every transport
// (execute_kw, the web session's call_kw, JSON-2): the ORM's, carrying the
// tenant's cached rights (orm/security_cache.hpp), whose version is read
// here, in the call's transaction, before the call does anything.
//
// Call it inside the transaction, after the credential check and before any
// write. Throws orm::DatabaseError when PostgreSQL fails.
#pragma once

#include <cstdint>
#include <string>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

orm::Environment CallerEnvironment(RpcServices& services, db::Connection& connection,
                                   const std::string& tenant, std::int64_t uid);

}  // namespace citadel::rpc
