#include "backup/retention_plans.hpp"

namespace citadel::backup {

const RetentionPolicy& RetentionPlans::For(std::string_view plan) const {
  auto it = named.find(plan);
  return it != named.end() ? it->second : fallback;
}

core::Result<RetentionPlans> ValidateRetentionPlans(RetentionPlans plans) {
  auto fallback = ValidateRetentionPolicy(plans.fallback);
  if (!fallback) return core::Fail(fallback.error().code, "the default retention: " + fallback.error().message);
  for (const auto& [name, policy] : plans.named) {
    if (!IsRetentionPlanName(name)) return core::Fail(core::ErrorCode::kInvalidArgument, "bad plan name: " + name);
    auto checked = ValidateRetentionPolicy(policy);
    if (!checked) return core::Fail(checked.error().code, "plan " + name + ": " + checked.error().message);
  }
  return plans;
}

bool IsRetentionPlanName(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) return false;
  }
  return true;
}

}  // namespace citadel::backup
