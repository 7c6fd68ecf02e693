// ResetMailQuota: at most `per_hour` "forgot password" mails per account, and
// `per_source_hour` per asking address (any accounts, any tenants), in any
// hour, counted in the catalog (migrations 6 and 7: password_reset_mails) so
// the caps hold across servers and restarts. Past it the page answers as always
// and sends nothing (logged): anyone can type anyone's login, and must not be
// able to flood that person's mailbox or the relay. The tenant admin's
// res.users.action_reset_password is not counted (a deliberate act).
//
//   if (*quota.Take("acme", uid, "203.0.113.7")) send...
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
  static constexpr int kDefaultPerSourceHour = 10;

  explicit ResetMailQuota(platform::TenantService& tenants, int per_hour = kDefaultPerHour,
                          int per_source_hour = kDefaultPerSourceHour)
      : tenants_(tenants), per_hour_(per_hour), per_source_hour_(per_source_hour) {}

  // True (and counted) if the account may get one more mail now, asked from
  // `source` (the client's address; an IPv6 one counts by its /64, as the
  // edge's per-client limits do).
  core::Result<bool> Take(std::string_view tenant, std::int64_t uid, std::string_view source);

 private:
  platform::TenantService& tenants_;
  const int per_hour_;
  const int per_source_hour_;
  std::atomic<std::uint64_t> takes_{0};
};

}  // namespace citadel::auth
