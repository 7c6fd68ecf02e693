// Using a password reset link: the new password replaces the old one, once.
//
// In one tenant transaction (orm::TransactionRunner): the token's user is
// read, the token must verify for this tenant against the user's current
// password hash and not have expired (auth/reset_token.hpp); the password is
// written through the ORM as that user in su (the token is the proof of
// right; res.users' password hook hashes it and applies the tenant's policy,
// modules/base/password_policy.hpp), and the token is claimed in the
// catalog's ledger (auth/reset_token_ledger.hpp) before the commit; a failed
// transaction gives the claim back, so a refused password does not burn the
// link. After the commit every web session of the user is ended and the
// credential cache's entries die with the old hash (they match only the hash
// they were verified against): the mechanism that ends sessions on any new
// password, here applied at once.
//
// Logged with the tenant, uid and request id; never the token or password.
// Blocks: call on a db worker (the password hashing runs on it too, as every
// ORM password write does today). Thread-safe.
#pragma once

#include <string>
#include <variant>

#include "web/web_pages.hpp"

namespace citadel::web {

struct ResetDone {
  std::int64_t uid = 0;
};
struct ResetLinkInvalid {};                // forged, expired, used, or the password changed since
struct ResetRefused { std::string why; };  // the new password breaks the policy
struct ResetFailed {};                     // the server could not do it (logged)

using ResetOutcome = std::variant<ResetDone, ResetLinkInvalid, ResetRefused, ResetFailed>;

// Whether `token` is, right now, a usable link for `tenant` (for showing the
// form); the login it is for when it is.
std::optional<std::string> ResetLinkLogin(WebPageServices& services, const std::string& tenant,
                                          const std::string& token);

ResetOutcome UsePasswordResetLink(WebPageServices& services, const std::string& tenant, const std::string& token,
                                  const std::string& new_password, const std::string& request_id);

}  // namespace citadel::web
