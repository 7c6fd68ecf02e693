// The Odoo services behind /xmlrpc and /jsonrpc — common, object, db — and the
// one dispatcher that maps (service, method) to them, as Odoo 18's
// odoo.http.dispatch_rpc does for every transport:
//
//   RpcServices services{directory, registry, db_workers, hashing, cache, {}};
//   DispatchRpc(services, {"object", "execute_kw", params, request_id}, done);
//
// Unknown service: Python's KeyError(service). Unknown method: common raises
// Exception("Method not found: m"), db KeyError("Method not found: m"),
// object NameError("Method not available m") (after the credential check, as
// Odoo). Each service's file says what its methods do.
//
// Threads: DispatchRpc blocks (catalog, PostgreSQL): call it on a db worker.
// A password verification is handed to the hashing pool and the call goes on
// from there (back on a db worker for execute_kw), so `done` may be called on
// any of those threads, exactly once, and must not throw. When a pool is full,
// done gets RpcError::Busy. Everything RpcServices refers to must outlive
// every call in flight (the server stops accepting requests and drains the
// pools before destroying them).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "core/bounded_worker_pool.hpp"
#include "core/password_hashing_service.hpp"
#include "orm/registry.hpp"
#include "orm/security_cache.hpp"
#include "orm/value.hpp"
#include "rpc/credential_cache.hpp"
#include "rpc/object_call_counters.hpp"
#include "rpc/one_statement_calls.hpp"
#include "rpc/rpc_error.hpp"
#include "rpc/tenant_directory.hpp"

namespace citadel::platform {
class WebSessionStore;
class TenantFileStores;
class TenantBackupDesks;
class SupportAccess;
}

namespace citadel::rpc {

class LoginThrottle;  // login_throttle.hpp

struct RpcServiceOptions {
  // Odoo's list_db: db.list and db.db_exist answer only when true. Off by
  // default: anyone could otherwise probe for customers' names.
  bool list_db = false;
  // config.hpp's tenant_domain: Host "<tenant>.<tenant_domain>" names a tenant.
  std::string tenant_domain;
};

struct RpcServices {
  TenantDirectory& tenants;
  std::shared_ptr<const orm::Registry> registry;
  core::BoundedWorkerPool& db_workers;
  core::PasswordHashingService& hashing;
  CredentialCache& credentials;
  RpcServiceOptions options;
  // The web routes' sessions (web_session_routes.hpp); null: no web routes.
  platform::WebSessionStore* web_sessions = nullptr;
  // Each tenant's rights, kept across calls (orm/security_cache.hpp); null:
  // every call reads them (AccessGuard's own queries).
  orm::SecurityCaches* security = nullptr;
  // Sign-in throttling (login_throttle.hpp); null: none (unit tests).
  LoginThrottle* throttle = nullptr;
  // Each tenant's sealed file store, for binary fields
  // (platform/tenant_file_stores.hpp); null: calls have none, and reading or
  // writing a binary content is a UserError.
  platform::TenantFileStores* file_stores = nullptr;
  // The tenants' own backups for citadel.backup (platform/tenant_backup_desk.hpp);
  // null: its methods refuse.
  platform::TenantBackupDesks* tenant_backups = nullptr;
  // Support staff, grants and their audit (platform/support_access.hpp):
  // staff calls (support_call.hpp) and the admin's citadel.support.* desk;
  // null: no support access.
  platform::SupportAccess* support = nullptr;
  // Counts how object calls were admitted (object_call_counters.hpp); null: not counted.
  ObjectCallCounters* object_counters = nullptr;
  // Which read-only call shapes need one statement (one_statement_calls.hpp):
  // those send COMMIT in the same round trip. Null: every read-only call
  // sends its COMMIT after the answer.
  OneStatementCalls* one_statement_calls = nullptr;
};

struct RpcCall {
  std::string service;  // "common", "object", "db"
  std::string method;
  orm::Value params = orm::Value::array();  // positional arguments
  std::string request_id;                   // for logs and internal-error texts
  std::string client_ip;                    // the client's address (sign-in throttling)
};

using RpcOutcome = std::variant<orm::Value, RpcError>;
using RpcDone = std::function<void(RpcOutcome)>;

void DispatchRpc(RpcServices& services, RpcCall call, RpcDone done);

// Each service; DispatchRpc picks one by name.
void DispatchCommon(RpcServices& services, RpcCall call, RpcDone done);
void DispatchObject(RpcServices& services, RpcCall call, RpcDone done);
void DispatchDb(RpcServices& services, RpcCall call, RpcDone done);

// Odoo 18's version dictionary (release.py): clients check it.
orm::Value OdooVersionInfo();
inline constexpr const char* kOdooServerVersion = "18.0";

}  // namespace citadel::rpc
