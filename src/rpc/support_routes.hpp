// How support staff enter a tenant (docs/support_access.md), two type='json'
// routes (json_route.hpp: POST, Origin checked, bounded body):
//
//   POST /citadel/support/session      {db, login, password, totp[, ticket, models]}
//        -> {uid, token, expires_at, grant}
//   POST /citadel/support/session/end  {token} -> true, or false when it had ended
//
// The design, and why it is the smallest sound one: the staff member proves
// their password (PBKDF2 on the hashing pool, the same sign-in throttle as
// every login, keyed "staff:<login>") and a TOTP code (a step works once);
// the tenant must have an active grant they may use. They get a session
// token (platform/support_sessions.hpp) to use as the password of Odoo's
// execute_kw with the returned uid, the tenant's own support user
// (support@platform, never a customer user), so every Odoo client library
// works for support unchanged, while execute_kw (support_call.hpp) checks
// the session and grant on every call, enforces the grant's scope in the
// ORM and audits the call. No web page, no cookie: nothing a customer's
// browser could be led to use.
//
// Where the operator allows it ([support] staff_may_open_grants), a sign-in
// without an active grant may open a read-only 24-hour grant for itself by
// citing a ticket reference and the models it needs; it is audited as such.
//
// Every answer to a failed sign-in is AccessDenied whatever was wrong; the
// reason goes to the tenant's audit chain (when the tenant exists) and the
// log. `services` (with support set) must outlive the router.
#pragma once

#include "http/router.hpp"
#include "rpc/json_route.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

inline constexpr const char* kSupportUserLogin = "support@platform";

void AddSupportRoutes(http::Router& router, RpcServices& services);

// The two routes' handlers, on a db worker (tests call them directly).
void StaffSignIn(RpcServices& services, JsonCall call, JsonReplyFn reply);
void StaffSignOut(RpcServices& services, JsonCall call, JsonReplyFn reply);

}  // namespace citadel::rpc
