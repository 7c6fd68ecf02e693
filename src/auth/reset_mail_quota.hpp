// ResetMailQuota: at most `per_hour` "forgot password" mails per account in
// any hour, counted in the catalog (migration 6: password_reset_mails) so the
// cap holds across servers and restarts. Past it the page answers as always
// and sends nothing (logged): anyone can type anyone's login, and must not be
// able to flood that person's mailbox or the relay. The tenant admin's
// res.users.action_reset_password is not counted (a deliberate act).
//
//   if (*quota.Take("acme", uid)) send...
//
// Blocks on PostgreSQL: call on a worker. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::auth {

class ResetMailQuota {
 public:
  static constexpr int kDefaultPerHour = 3;

  explicit ResetMailQuota(platform::TenantService& tenants, int per_hour = kDefaultPerHour)
      : tenants_(tenants), per_hour_(per_hour) {}

  // True (and counted) if the account may get one more mail now.
  core::Result<bool> Take(std::string_view tenant, std::int64_t uid);

 private:
  platform::TenantService& tenants_;
  const int per_hour_;
  std::atomic<std::uint64_t> takes_{0};
};

}  // namespace citadel::auth
