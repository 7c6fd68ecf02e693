// Cookies as RFC 6265 has them: reading one from a request's Cookie headers,
// and writing the Set-Cookie header of a session cookie.
//
// The edge knows nothing of sessions (rpc and web own them); these are the
// header grammar only. Every cookie Citadel sets is Secure, HttpOnly and
// SameSite=Lax with Path=/: the browser sends it only over HTTPS, scripts
// cannot read it, and cross-site POSTs do not carry it.
//
// Bounded: at most kMaxCookiePairs pairs are looked at per request (the
// edge already bounds header sizes). Pure functions: thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace citadel::http {

inline constexpr std::size_t kMaxCookiePairs = 64;

// The value of the first cookie called `name` in the request's Cookie
// headers, if any. Quotes around a value are removed; a value with
// characters RFC 6265 forbids is ignored (as if absent).
std::optional<std::string> CookieValue(const Request& request, std::string_view name);

// "name=value; Path=/; Max-Age=N; Secure; HttpOnly; SameSite=Lax". A
// max_age of zero (or less) tells the browser to drop the cookie now.
// `name` and `value` must be cookie tokens (base64url, for instance);
// anything else throws std::invalid_argument: a wiring mistake.
std::string SessionSetCookie(std::string_view name, std::string_view value, std::chrono::seconds max_age);

}  // namespace citadel::http
