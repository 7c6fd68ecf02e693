// TenantDirectory: what the RPC services need of the platform — is this `db`
// a live tenant, a connection to it as its own role, the names (for db.list
// when the operator allows it). An interface so the services' unit tests run
// without PostgreSQL.
//
// PlatformTenantDirectory answers from platform::TenantService. A name that
// breaks the tenant-name rules is refused before any lookup, so hostile names
// never reach the catalog or create pool slots; a live name is remembered
// for a few seconds (a bounded set), so a busy tenant's calls do not ask the
// catalog each time. A dropped tenant's pool is evicted by the platform, so a
// stale "live" only delays the refusal to the connection attempt.
//
// Every method blocks (catalog, pool): call it on a worker, never an I/O
// thread. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "db/connection_pool.hpp"

namespace citadel::platform {
class TenantService;
}

namespace citadel::rpc {

class TenantDirectory {
 public:
  virtual ~TenantDirectory() = default;
  virtual bool IsLive(const std::string& name) = 0;
  // A pooled connection as the tenant's role; fails for an unknown tenant.
  virtual core::Result<db::PooledConnection> Acquire(const std::string& name) = 0;
  // Live tenant names, sorted.
  virtual core::Result<std::vector<std::string>> LiveNames() = 0;
};

// `tenants` must outlive the directory.
std::unique_ptr<TenantDirectory> MakePlatformTenantDirectory(
    platform::TenantService& tenants, std::chrono::seconds remember = std::chrono::seconds(5),
    const core::Clock& clock = core::SystemClock::Instance());

}  // namespace citadel::rpc
