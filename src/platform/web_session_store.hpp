// WebSessionStore: server-side sessions of the web routes (/web/session/*,
// /web/dataset/call_kw), kept in the catalog database so that every Citadel
// server in front of a cluster sees the same sessions, through restarts.
//
//   auto sid = sessions.Create("acme", uid, fingerprint);   // the cookie's value
//   auto found = sessions.Find(sid);    // nullopt: unknown, expired or tenant gone
//   sessions.Destroy(sid);
//
// What is stored: never the session id, only its SHA-256 (a leaked catalog
// opens no session); the tenant, the uid, and a fingerprint of the user's
// stored password hash at sign-in, which the caller compares with the hash
// read in each call's own transaction (as Odoo's session token does), so a
// new password or an archived user ends every session on every server.
//
// Expiry: a session ends after `max_inactivity` without use (Odoo's
// SESSION_LIFETIME, 7 days), and `max_age` after its sign-in whatever its
// use (30 days; Odoo has no such bound): a stolen cookie does not live on. Find() pushes the expiry forward, writing at
// most once per `touch_interval` per session, so reads stay reads. A user
// keeps at most `max_sessions_per_user` sessions: the least recently used go
// first. Create() also sweeps expired rows now and then.
//
// Blocks on PostgreSQL (a catalog connection from TenantService's pool):
// call it on a worker. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct WebSessionOptions {
  std::chrono::seconds max_inactivity = std::chrono::hours(24 * 7);
  std::chrono::seconds touch_interval = std::chrono::minutes(5);
  int max_sessions_per_user = 100;
  // However much it is used, a session ends this long after its sign-in.
  std::chrono::seconds max_age = std::chrono::hours(24 * 30);
};

struct WebSession {
  std::string tenant;  // the tenant's name, live
  std::int64_t uid = 0;
  std::string credential_fingerprint;  // as given to Create
};

// The fingerprint of a stored password hash, as sessions keep it.
std::string CredentialFingerprint(std::string_view stored_hash);

class WebSessionStore {
 public:
  // `tenants` must outlive the store.
  explicit WebSessionStore(TenantService& tenants, WebSessionOptions options = {});

  // A new session for a live tenant's user: its id, 64 hex digits of 256
  // random bits, to be sent as the cookie and never logged. kNotFound if the
  // tenant is not live.
  core::Result<std::string> Create(std::string_view tenant, std::int64_t uid,
                                   std::string_view credential_fingerprint);
  // The live session with this id, its expiry pushed forward.
  core::Result<std::optional<WebSession>> Find(std::string_view session_id);
  // Ends the session (nothing happens for an unknown id).
  core::Result<void> Destroy(std::string_view session_id);
  // Ends every session of one user; returns how many there were.
  core::Result<std::int64_t> DestroyAllOf(std::string_view tenant, std::int64_t uid);
  // Deletes expired sessions; returns how many.
  core::Result<std::int64_t> PurgeExpired();

  std::chrono::seconds max_inactivity() const { return options_.max_inactivity; }

 private:
  TenantService& tenants_;
  const WebSessionOptions options_;
  std::atomic<std::uint64_t> creations_{0};
};

}  // namespace citadel::platform
