// The server secret behind the browser-facing tokens (CSRF tokens, password
// reset links): 32 random bytes in <data_dir>/secrets/web-token-key (mode
// 0600, created on first use), beside role-password-key
// (platform/role_password.hpp) and outside every tenant database, so neither
// a tenant's SQL nor its backup holds what signs its links. Every Citadel
// server in front of the same catalog must share the file (as it shares
// role-password-key): a link mailed by one is opened on another.
//
// Each use gets a key of its own, derived as HMAC(secret, purpose), so a
// CSRF token can never pass for a reset token's MAC or the other way round.
// Immutable once loaded; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/file_system.hpp"
#include "core/result.hpp"

namespace citadel::auth {

class ServerSecret {
 public:
  static constexpr std::size_t kBytes = 32;

  static core::Result<ServerSecret> LoadOrCreate(core::FileSystem& fs, const std::string& data_dir);
  // For tests: a secret given outright (kBytes bytes).
  static ServerSecret FromBytes(std::string bytes) { return ServerSecret(std::move(bytes)); }

  // The key for one purpose ("csrf", "password-reset").
  std::string KeyFor(std::string_view purpose) const;

 private:
  explicit ServerSecret(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace citadel::auth
