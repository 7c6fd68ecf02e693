// Retention per tenant plan: each tenant names a plan (the catalog's
// tenants.plan, set with `citadel tenant set-plan`), each plan its
// grandfather-father-son policy ([backup.plan.NAME] in the configuration);
// a tenant with no plan, or with a plan the configuration does not name,
// keeps the default policy ([backup] keep_*), so a plan removed from the
// configuration can only fall back to the default, never to "keep nothing".
// Plain data; pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "backup/retention_policy.hpp"
#include "core/result.hpp"

namespace citadel::backup {

struct RetentionPlans {
  RetentionPolicy fallback;                         // [backup] keep_*
  std::map<std::string, RetentionPolicy, std::less<>> named;  // [backup.plan.NAME]

  // The policy of `plan` (empty: the default).
  const RetentionPolicy& For(std::string_view plan) const;
};

// Every policy validated (ValidateRetentionPolicy); the first bad one named.
core::Result<RetentionPlans> ValidateRetentionPlans(RetentionPlans plans);

// A plan's name as the catalog and the configuration spell it: 1 to 40 of
// [a-z0-9_-].
bool IsRetentionPlanName(std::string_view name);

}  // namespace citadel::backup
