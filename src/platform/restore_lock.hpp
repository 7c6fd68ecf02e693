// TenantRestoreLock: at most one restore onto the live database of a tenant
// at a time, across processes and servers.
//
// It is a PostgreSQL session-level advisory lock on the catalog database,
// held by a connection of its own for as long as the lock object lives.
// Why an advisory lock and not a state in the tenant's catalog row: every
// server that can restore shares the catalog, so the lock holds across
// machines; and a process that dies (killed, its machine lost) loses its
// session, so the lock goes with it — a row state would stay set forever
// and need someone to decide it was abandoned. The tenant's row does carry
// the state 'restoring', but only for the seconds of the switch, and the
// next restore (which holds this lock, so knows no one else is at work)
// repairs a switch that was interrupted.
//
// The key is the two-integer form (class, tenant id), a key space distinct
// from the one-bigint keys used elsewhere (the bootstrap lock).
// Blocks on PostgreSQL. Not thread-safe: one owner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

class TenantRestoreLock {
 public:
  // kAlreadyExists when another session holds the tenant's lock (another
  // restore of it is running, here or on another server).
  static core::Result<TenantRestoreLock> TryAcquire(TenantService& tenants, std::int64_t tenant_id);

  TenantRestoreLock(TenantRestoreLock&& other) noexcept
      : connection_(std::exchange(other.connection_, std::nullopt)), tenant_id_(other.tenant_id_) {}
  TenantRestoreLock& operator=(TenantRestoreLock&&) = delete;
  TenantRestoreLock(const TenantRestoreLock&) = delete;
  ~TenantRestoreLock();

  // The connection that holds the lock, to the catalog as the provisioning
  // role: the switch's catalog transaction runs on it.
  db::Connection& catalog() { return *connection_; }

 private:
  TenantRestoreLock(db::Connection connection, std::int64_t tenant_id)
      : connection_(std::move(connection)), tenant_id_(tenant_id) {}
  std::optional<db::Connection> connection_;
  std::int64_t tenant_id_ = 0;
};

}  // namespace citadel::platform
