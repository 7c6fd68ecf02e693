// StaffAccounts: the platform's support staff, kept in the catalog
// (catalog migration 8), never in a tenant. Each has a login, a PBKDF2 hash
// of their password (core's hasher, the server's configured rounds), and a
// TOTP secret, mandatory: a staff member signs in with both
// (rpc/support_routes.hpp). Accounts are disabled, never deleted, so the
// audit log keeps naming who did what.
//
//   StaffAccounts staff(tenants);
//   staff.Add("alice", hasher.Hash(password), totp_secret_base32);
//   staff.Disable("alice");   // ends her sessions and the grants naming her, at once
//
// The password hash and TOTP secret are returned only by FindForSignIn, to
// the sign-in check; List never carries them. The TOTP secret is stored
// sealed under a key derived from the server's role-password-key
// (staff_secret_sealing.hpp), never in clear: Add seals it, FindForSignIn
// opens it (and seals in place one stored in clear by older code).
//
// Blocks on PostgreSQL (a catalog connection): call it on a worker.
// Thread-safe (each call takes its own pooled connection).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

// What `citadel staff list` shows.
struct StaffAccount {
  std::int64_t id = 0;
  std::string login;
  bool disabled = false;
  std::string created_at;   // RFC 3339, UTC
  std::string disabled_at;  // empty while enabled
};

// What the sign-in check needs; nothing else sees these.
struct StaffCredentials {
  std::int64_t id = 0;
  std::string login;
  std::string password_hash;
  std::string totp_secret_base32;
  std::int64_t totp_last_step = -1;
  bool disabled = false;
};

// 1 to 64 of [a-z0-9._@-], starting with a letter or digit.
bool IsValidStaffLogin(std::string_view login);

class StaffAccounts {
 public:
  explicit StaffAccounts(TenantService& tenants) : tenants_(tenants) {}

  // kInvalidArgument for a bad login, kAlreadyExists for a taken one.
  core::Result<std::int64_t> Add(std::string_view login, std::string_view password_hash,
                                 std::string_view totp_secret_base32);
  core::Result<std::vector<StaffAccount>> List();
  // Disables the account, ends its sessions and revokes the grants that name
  // it or that it opened, in one transaction. false: no such login.
  core::Result<bool> Disable(std::string_view login);
  // The account for a sign-in, disabled ones included (the caller refuses
  // them after paying the same hashing cost).
  core::Result<std::optional<StaffCredentials>> FindForSignIn(std::string_view login);
  // Records that the TOTP code of `step` was used: true only if no code of
  // that step or a later one was used before (a code works once).
  core::Result<bool> ClaimTotpStep(std::int64_t staff_id, std::int64_t step);

 private:
  TenantService& tenants_;
};

}  // namespace citadel::platform
