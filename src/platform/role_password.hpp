// The passwords of tenant roles, derived rather than stored.
//
// Why derived: the server must connect as each tenant's role (its pool), and
// PostgreSQL keeps only a SCRAM verifier. Storing thousands of passwords would
// make a secret table; instead one server secret, the 32 random bytes of
// <data_dir>/secrets/role-password-key (mode 0600, created on first use
// through core::FileSystem), gives every role its password as
// hex(HMAC-SHA256(secret, role name)). Losing the file means resetting the
// role passwords (ALTER ROLE as superuser); every Citadel server that uses
// the same cluster needs the same file.
//
// Immutable after loading; thread-safe. The key never leaves this object.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/file_system.hpp"
#include "core/result.hpp"

namespace citadel::platform {

class RolePasswordKey {
 public:
  static core::Result<RolePasswordKey> LoadOrCreate(core::FileSystem& fs,
                                                    const std::string& data_dir);
  // 64 lowercase hex characters (256 bits).
  std::string PasswordFor(std::string_view role_name) const;
  // A 32-byte key of its own for one purpose of the platform's (sealing
  // staff TOTP secrets in the catalog: staff_secret_sealing.hpp), derived as
  // HMAC-SHA256(secret, "\0citadel key\0" + purpose): no role name holds a
  // NUL, so no role's password is ever one of these keys or the other way round.
  std::string KeyFor(std::string_view purpose) const;

 private:
  explicit RolePasswordKey(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

}  // namespace citadel::platform
