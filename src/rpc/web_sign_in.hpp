// Opening a browser session once a sign-in was checked (login_check.hpp):
// the one code behind /web/session/authenticate (web_session_routes.hpp) and
// the login page (web/login_page.hpp), so both give the same cookie with the
// same rules.
//
// A new random id is stored (platform/web_session_store.hpp) with the
// fingerprint of the password hash the user was verified against; the id the
// browser came with, if any, ends (a session id planted before sign-in is
// never promoted). The answer carries the Set-Cookie header: session_id,
// Secure, HttpOnly, SameSite=Lax, Path=/, for the store's inactivity.
//
// Blocks on the catalog: call on a db worker. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "rpc/rpc_services.hpp"
#include "rpc/user_credentials.hpp"

namespace citadel::rpc {

inline constexpr const char* kWebSessionCookie = "session_id";

struct OpenedWebSession {
  std::string session_id;  // the cookie's value: never log it
  std::pair<std::string, std::string> set_cookie;
};

// AccessDenied when the tenant is no longer live; Internal when the catalog
// fails (logged with `request_id`).
std::variant<OpenedWebSession, RpcError> OpenWebSession(RpcServices& services, const std::string& db,
                                                        const StoredCredential& user,
                                                        const std::optional<std::string>& previous_session_id,
                                                        const std::string& request_id);

// The Set-Cookie header that makes the browser drop its session cookie.
std::pair<std::string, std::string> DropWebSessionCookie();

}  // namespace citadel::rpc
