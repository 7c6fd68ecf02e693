// The second step of signing in for a user with two-factor authentication
// (login_page.cpp sends them here once the password matched):
//
//   POST /web/login (right password, 2FA on) -> this page, no session yet
//   POST /web/login/totp  code or recovery code -> the session, as a
//                         sign-in without 2FA gets it (rpc/web_sign_in.hpp)
//   GET  /web/login/totp  -> /web/login (the step exists only after a password)
//
// Between the two, the browser holds a ticket in the page's form: an HMAC
// token (auth/reset_token.hpp's format, under its own server key
// "second-factor") naming the uid and an expiry kSecondFactorTicketLifetime
// away, bound to the tenant, to this browser's CSRF binding (its
// pre-session cookie) and to the fingerprint of the password hash that
// matched: another browser, a password changed meanwhile or a late answer
// gets nothing. The code is checked by modules/base/user_totp.hpp (taken
// once, rate-limited per user).
#pragma once

#include <chrono>
#include <string>

#include "http/router.hpp"
#include "rpc/user_credentials.hpp"
#include "web/web_pages.hpp"

namespace citadel::web {

inline constexpr std::chrono::seconds kSecondFactorTicketLifetime{300};

// The page asking the code, with a fresh ticket for `user` (whose password
// just matched) in tenant `db`.
http::Response SecondFactorPage(const WebPageServices& services, const std::string& binding, const std::string& db,
                                const rpc::StoredCredential& user, const std::string& login);

void AddSecondFactorSignIn(http::Router& router, WebPageServices& services);

}  // namespace citadel::web
