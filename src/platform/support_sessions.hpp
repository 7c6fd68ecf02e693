// SupportSessions: a staff member's session inside one tenant under one
// grant, opened by the staff sign-in (rpc/support_routes.hpp) and checked on
// every call it makes (rpc/support_call.hpp), in the catalog (migration 8).
//
// The token is "cst_" and 64 hex digits of 256 random bits, given once to
// the staff member (it stands for the password in execute_kw, with the
// support user's uid); only its SHA-256 is stored. Check() reads the
// session, its staff account, its grant and its tenant in one statement on
// each call, so a revoked or expired grant, a disabled account, an ended
// session or a tenant that is no longer live refuses the very next call on
// every server. A session lasts at most kSupportSessionHours, and never
// past its grant; one left idle for kSupportSessionIdleMinutes (no call
// checked) is refused too, "session idle", and stays so: each accepted check
// records the call's time (at most once every kSupportSessionSeenGranularitySeconds,
// to spare the catalog a write per call, so a session may live up to that
// much past the idle timeout).
//
// Blocks on PostgreSQL: call it on a worker. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

inline constexpr int kSupportSessionHours = 8;
inline constexpr int kSupportSessionIdleMinutes = 30;
inline constexpr int kSupportSessionSeenGranularitySeconds = 30;
inline constexpr std::string_view kSupportTokenPrefix = "cst_";

// Whether `secret` has the form of a staff session token.
bool LooksLikeSupportToken(std::string_view secret);

struct SupportSessionCheck {
  // Empty when the session may act; otherwise why not ("session ended",
  // "grant revoked", ...), for the audit log, never for the caller.
  std::string refusal;
  std::int64_t staff_id = 0;
  std::string staff_login;
  std::string tenant;  // the tenant's name
  std::int64_t tenant_id = 0;
  std::int64_t grant_id = 0;
  std::int64_t uid = 0;  // the support user in the tenant
  bool read_write = false;
  std::vector<std::string> models;
};

class SupportSessions {
 public:
  explicit SupportSessions(TenantService& tenants) : tenants_(tenants) {}

  // A new session; returns its token (never log it). Sessions that expired
  // more than 30 days ago are deleted on the way.
  core::Result<std::string> Create(std::int64_t staff_id, std::int64_t tenant_id,
                                   std::int64_t grant_id, std::int64_t uid);
  // nullopt for a token no session has.
  core::Result<std::optional<SupportSessionCheck>> Check(std::string_view token);
  // Ends the session; false when there was none live.
  core::Result<bool> End(std::string_view token);

 private:
  TenantService& tenants_;
};

}  // namespace citadel::platform
