// The stored credentials of a tenant's users, read as Odoo's res.users does
// for a login (odoo/addons/base/models/res_users.py _login, check,
// _check_credentials): fixed SQL with bound parameters, because the password
// field is write-only to the ORM and these reads happen before there is a
// user to run the ORM as. Never returns or logs anything but the stored hash.
//
// Blocks on PostgreSQL; the connection is the caller's (inside its
// transaction, when it has one). Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "orm/security_signal.hpp"

namespace citadel::rpc {

struct StoredCredential {
  std::int64_t uid = 0;
  std::string hash;  // passlib's $pbkdf2-sha512$...; empty when none is set
  bool active = false;
  // A confirmed second factor (modules/base/user_totp.hpp): the password
  // alone then opens nothing but the login page's second step.
  bool totp_enabled = false;
};

// The active user with this exact login (Odoo's _get_login_domain), if any.
core::Result<std::optional<StoredCredential>> FindActiveUserByLogin(db::Connection& connection,
                                                                    std::string_view login);
// The user with this id, active or not.
core::Result<std::optional<StoredCredential>> FindUserById(db::Connection& connection,
                                                           std::int64_t uid);

// Replaces the user's stored hash by `new_hash` if it is still `old_hash`
// (a password changed meanwhile wins); whether it did. Its own statement:
// autocommitted when the connection is idle.
core::Result<bool> ReplaceStoredHash(db::Connection& connection, std::int64_t uid, std::string_view old_hash,
                                     std::string_view new_hash);

// The same, and in the same statement the tenant's security version
// (orm/security_signal.hpp), which the database must have: one round trip
// fewer for every client call. The version is nullopt when its row is missing.
struct StoredCredentialAndVersion {
  std::optional<StoredCredential> user;
  std::optional<orm::SecurityVersion> version;
};
core::Result<StoredCredentialAndVersion> FindUserByIdWithSecurityVersion(db::Connection& connection,
                                                                         std::int64_t uid);
// The same in two steps: the statement sent without waiting for its answer
// (db::Connection::SendDeferred), so the call's next statement travels with
// it; then that answer, read back.
void SendUserByIdWithSecurityVersion(db::Connection& connection, std::int64_t uid);
core::Result<StoredCredentialAndVersion> TakeUserByIdWithSecurityVersion(db::Connection& connection);
// That statement's answer as it came (for db::Connection::CheckDeferredWith).
core::Result<StoredCredentialAndVersion> ParseUserAndVersion(const core::Result<db::QueryResult>& result);

}  // namespace citadel::rpc
