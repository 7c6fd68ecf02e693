// CSRF tokens for browser forms: HMAC-SHA256 of what the browser session is
// (its session_id cookie, or before sign-in a pre-session cookie of its own,
// web/csrf_guard.hpp) under a server key (server_secret.hpp, "csrf").
//
//   CsrfTokens csrf(secret.KeyFor("csrf"));
//   page["csrf_token"] = csrf.For(binding);          // a hidden field
//   if (!csrf.Matches(binding, form["csrf_token"])) // 403, nothing done
//
// Why it holds: a forging site can make the browser send the cookie but can
// read neither the cookie (HttpOnly, another origin) nor the page carrying
// the token (same-origin policy), and cannot compute the MAC without the
// server key. A token of one session is worthless in another, and signing
// in replaces the session id, so tokens from before (an "old" token) stop
// working. Stateless: nothing stored, any server checks it. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace citadel::auth {

class CsrfTokens {
 public:
  explicit CsrfTokens(std::string key) : key_(std::move(key)) {}

  // 64 hex digits. `binding` must not be empty.
  std::string For(std::string_view binding) const;
  // Constant-time; false for an empty binding or token.
  bool Matches(std::string_view binding, std::string_view presented) const;

 private:
  std::string key_;
};

}  // namespace citadel::auth
