// StaffSecretSealing: the staff members' TOTP secrets at rest in the catalog
// (staff_accounts.totp_secret), sealed with AES-256-GCM under a key derived
// from the server's role-password-key (TenantService::DerivedKey with
// kStaffTotpSealPurpose), which lives in <data_dir>/secrets and never in the
// database. So a copy of the catalog (a dump, a pgBackRest backup, a
// replica's disk, the database's superuser) yields no staff member's second
// factor; only a Citadel server with the key file can check a code.
//
// Stored text: "sealed1:" + hex(12-byte random nonce || ciphertext || tag).
// The associated data is "citadel staff totp v1|" + the staff login, so a
// sealed secret copied onto another account's row does not open. A stored
// secret without the prefix is one from before sealing (base32 has no ':'):
// Open returns it as is and says so, for the caller to seal it in place.
//
//   StaffSecretSealing sealing(tenants.DerivedKey(kStaffTotpSealPurpose));
//   std::string stored = sealing.Seal("alice", "JBSWY3DP...");
//   auto opened = sealing.Open("alice", stored);  // opened->secret
//
// Immutable after construction; thread-safe (each call has its own cipher
// context). The key is wiped when the object goes.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::platform {

inline constexpr std::string_view kStaffTotpSealPurpose = "staff totp v1";
inline constexpr std::string_view kSealedStaffSecretPrefix = "sealed1:";

struct OpenedStaffSecret {
  std::string secret;      // the base32 TOTP secret
  bool was_clear = false;  // stored before sealing: seal it
};

class StaffSecretSealing {
 public:
  // `key`: 32 bytes. Throws std::invalid_argument for another size.
  explicit StaffSecretSealing(std::string key);
  ~StaffSecretSealing();
  StaffSecretSealing(const StaffSecretSealing&) = delete;
  StaffSecretSealing& operator=(const StaffSecretSealing&) = delete;

  std::string Seal(std::string_view login, std::string_view secret) const;
  // kInternal when the text is sealed but does not open: another server key,
  // another account's row, or altered. The message names no secret.
  core::Result<OpenedStaffSecret> Open(std::string_view login, std::string_view stored) const;

 private:
  std::string key_;
};

}  // namespace citadel::platform
