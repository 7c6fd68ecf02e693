#include "rpc/user_credentials.hpp"

namespace citadel::rpc {
namespace {

// The support user (support_user.hpp) is only ever entered through a staff
// session (support_call.hpp): every credential lookup here sees it as
// archived, so no password or API key a tenant's admin might give it opens
// it, and the staff audit stays the whole record of what it did.

std::optional<StoredCredential> FirstRow(const db::QueryResult& result) {
  if (result.empty()) return std::nullopt;
  StoredCredential credential;
  credential.uid = std::stoll(result.Text(0, "id"));
  credential.hash = result.Text(0, "password");
  credential.active = result.Text(0, "active") == "t";
  credential.totp_enabled = result.Text(0, "totp") == "t";
  return credential;
}

}  // namespace

core::Result<std::optional<StoredCredential>> FindActiveUserByLogin(db::Connection& connection,
                                                                    std::string_view login) {
  // A NUL cannot be sent as a text parameter (libpq would cut the login
  // short): no login holds one, so no user has it.
  if (login.find('\0') != std::string_view::npos) return std::optional<StoredCredential>();
  auto result = connection.Execute(
      "SELECT id, COALESCE(password, '') AS password, active, "
      "EXISTS (SELECT 1 FROM res_users_totp t WHERE t.user_id = res_users.id AND t.enabled) AS totp "
      "FROM res_users WHERE login = $1 AND active AND login <> 'support@platform' ORDER BY id LIMIT 1",
      login);
  if (!result) return core::Unexpected(result.error());
  return FirstRow(*result);
}

core::Result<std::optional<StoredCredential>> FindUserById(db::Connection& connection,
                                                           std::int64_t uid) {
  auto result = connection.Execute(
      "SELECT id, COALESCE(password, '') AS password, active AND login <> 'support@platform' AS active, "
      "EXISTS (SELECT 1 FROM res_users_totp t WHERE t.user_id = res_users.id AND t.enabled) AS totp "
      "FROM res_users WHERE id = $1",
      uid);
  if (!result) return core::Unexpected(result.error());
  return FirstRow(*result);
}

core::Result<bool> ReplaceStoredHash(db::Connection& connection, std::int64_t uid, std::string_view old_hash,
                                     std::string_view new_hash) {
  auto result = connection.Execute("UPDATE res_users SET password = $3 WHERE id = $1 AND password = $2", uid,
                                   old_hash, new_hash);
  if (!result) return core::Unexpected(result.error());
  return result->affected_rows() == 1;
}

namespace {

// The signal row always comes back (RIGHT JOIN), the user's only if it exists.
constexpr db::SqlText kUserByIdWithSecurityVersion =
    "SELECT u.id, COALESCE(u.password, '') AS password, u.active AND u.login <> 'support@platform' AS active, "
    "s.epoch::text AS epoch, s.version, "
    "EXISTS (SELECT 1 FROM res_users_totp t WHERE t.user_id = u.id AND t.enabled) AS totp "
    "FROM res_users u RIGHT JOIN citadel_security_signal s ON u.id = $1";

}  // namespace

core::Result<StoredCredentialAndVersion> ParseUserAndVersion(const core::Result<db::QueryResult>& result) {
  if (!result) return core::Unexpected(result.error());
  StoredCredentialAndVersion found;
  if (result->empty()) return found;
  if (result->Get(0, "id")) found.user = FirstRow(*result);
  found.version = orm::SecurityVersion{result->Text(0, "epoch"), std::stoll(result->Text(0, "version"))};
  return found;
}

core::Result<StoredCredentialAndVersion> FindUserByIdWithSecurityVersion(db::Connection& connection,
                                                                         std::int64_t uid) {
  return ParseUserAndVersion(connection.Execute(kUserByIdWithSecurityVersion, uid));
}

void SendUserByIdWithSecurityVersion(db::Connection& connection, std::int64_t uid) {
  connection.SendDeferred(kUserByIdWithSecurityVersion, uid);
}

core::Result<StoredCredentialAndVersion> TakeUserByIdWithSecurityVersion(db::Connection& connection) {
  return ParseUserAndVersion(connection.TakeDeferred());
}

}  // namespace citadel::rpc
