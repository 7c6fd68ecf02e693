#include "platform/staff_accounts.hpp"

#include "db/error.hpp"
#include "platform/staff_secret_sealing.hpp"

namespace citadel::platform {

bool IsValidStaffLogin(std::string_view login) {
  if (login.empty() || login.size() > 64) return false;
  for (std::size_t i = 0; i < login.size(); ++i) {
    const char c = login[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '@' && c != '-'))) return false;
  }
  return true;
}

core::Result<std::int64_t> StaffAccounts::Add(std::string_view login,
                                              std::string_view password_hash,
                                              std::string_view totp_secret_base32) {
  if (!IsValidStaffLogin(login)) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "a staff login is 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with a "
                      "letter or digit");
  }
  const std::string sealed =
      StaffSecretSealing(tenants_.DerivedKey(kStaffTotpSealPurpose)).Seal(login, totp_secret_base32);
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto added = (*catalog)->Execute(
      "INSERT INTO staff_accounts (login, password_hash, totp_secret) VALUES ($1, $2, $3) "
      "RETURNING id",
      login, password_hash, sealed);
  if (!added) {
    if (db::SqlStateOf(added.error()) == db::sqlstate::kUniqueViolation) {
      return core::Fail(core::ErrorCode::kAlreadyExists,
                        "a staff account '" + std::string(login) + "' exists");
    }
    return core::Unexpected(added.error());
  }
  return std::stoll(added->Text(0, "id"));
}

core::Result<std::vector<StaffAccount>> StaffAccounts::List() {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT id, login, disabled, to_char(created_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS "
      "created, coalesce(to_char(disabled_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') AS "
      "disabled_time FROM staff_accounts ORDER BY login");
  if (!rows) return core::Unexpected(rows.error());
  std::vector<StaffAccount> accounts;
  for (int row = 0; row < rows->rows(); ++row) {
    accounts.push_back({std::stoll(rows->Text(row, "id")), rows->Text(row, "login"),
                        rows->Text(row, "disabled") == "t", rows->Text(row, "created"),
                        rows->Text(row, "disabled_time")});
  }
  return accounts;
}

core::Result<bool> StaffAccounts::Disable(std::string_view login) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  // One statement, so it is one transaction: the account, its sessions and
  // its grants end together, on every server at their next call.
  auto done = (*catalog)->Execute(
      "WITH account AS (UPDATE staff_accounts SET disabled = true, disabled_at = "
      "coalesce(disabled_at, now()) "
      "WHERE login = $1 RETURNING id, login), "
      "sessions AS (UPDATE staff_sessions SET ended_at = now() WHERE ended_at IS NULL AND staff_id "
      "IN "
      "(SELECT id FROM account) RETURNING 1), "
      "grants AS (UPDATE support_grants SET revoked_at = now(), revoked_by = 'operator: staff "
      "disabled' "
      "WHERE revoked_at IS NULL AND (staff_id IN (SELECT id FROM account) OR opened_by IN "
      "(SELECT 'staff:' || login FROM account)) RETURNING 1) "
      "SELECT (SELECT count(*) FROM account) AS found, (SELECT count(*) FROM sessions) AS s, "
      "(SELECT count(*) FROM grants) AS g",
      login);
  if (!done) return core::Unexpected(done.error());
  return done->Text(0, "found") != "0";
}

core::Result<std::optional<StaffCredentials>> StaffAccounts::FindForSignIn(std::string_view login) {
  if (!IsValidStaffLogin(login)) return std::optional<StaffCredentials>();
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto rows = (*catalog)->Execute(
      "SELECT id, login, password_hash, totp_secret, totp_last_step, disabled FROM staff_accounts "
      "WHERE login = $1",
      login);
  if (!rows) return core::Unexpected(rows.error());
  if (rows->empty()) return std::optional<StaffCredentials>();
  const std::string stored = rows->Text(0, "totp_secret");
  const StaffSecretSealing sealing(tenants_.DerivedKey(kStaffTotpSealPurpose));
  auto opened = sealing.Open(login, stored);
  if (!opened) return core::Unexpected(opened.error());
  const std::int64_t id = std::stoll(rows->Text(0, "id"));
  if (opened->was_clear) {
    // Stored before sealing (catalogs older than this code): sealed now, in
    // place, unless it changed meanwhile. A failure here costs nothing but
    // the next sign-in's retry.
    (void)(*catalog)->Execute(
        "UPDATE staff_accounts SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2", id,
        stored, sealing.Seal(login, opened->secret));
  }
  return std::optional<StaffCredentials>(StaffCredentials{
      id, rows->Text(0, "login"), rows->Text(0, "password_hash"), std::move(opened->secret),
      std::stoll(rows->Text(0, "totp_last_step")), rows->Text(0, "disabled") == "t"});
}

core::Result<bool> StaffAccounts::ClaimTotpStep(std::int64_t staff_id, std::int64_t step) {
  auto catalog = tenants_.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto claimed = (*catalog)->Execute(
      "UPDATE staff_accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
      staff_id, step);
  if (!claimed) return core::Unexpected(claimed.error());
  return claimed->affected_rows() == 1;
}

}  // namespace citadel::platform
