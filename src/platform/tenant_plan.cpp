#include "platform/tenant_plan.hpp"

#include "backup/retention_plans.hpp"

namespace citadel::platform {

core::Result<void> SetTenantPlan(TenantService& tenants, std::string_view tenant, std::string_view plan) {
  if (!plan.empty() && !backup::IsRetentionPlanName(plan)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "a plan is named by 1 to 40 of [a-z0-9_-]");
  }
  auto catalog = tenants.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto updated = (*catalog)->Execute(
      "UPDATE tenants SET plan = $2 WHERE name = $1 AND state <> 'dropped' RETURNING id", tenant, plan);
  if (!updated) return core::Unexpected(updated.error());
  if (updated->empty()) return core::Fail(core::ErrorCode::kNotFound, "no tenant named '" + std::string(tenant) + "'");
  return {};
}

core::Result<std::string> TenantPlan(TenantService& tenants, std::string_view tenant) {
  auto catalog = tenants.AcquireCatalog();
  if (!catalog) return core::Unexpected(catalog.error());
  auto row = (*catalog)->Execute("SELECT plan FROM tenants WHERE name = $1 AND state <> 'dropped'", tenant);
  if (!row) return core::Unexpected(row.error());
  if (row->empty()) return core::Fail(core::ErrorCode::kNotFound, "no tenant named '" + std::string(tenant) + "'");
  return row->Text(0, "plan");
}

}  // namespace citadel::platform
