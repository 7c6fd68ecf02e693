// A tenant's plan in the catalog (migration 10), which picks the retention
// of its backups (backup/retention_plans.hpp): set by the operator with
// `citadel tenant set-plan`, read by the scheduler through
// BackupCatalog::Health. '' is the default plan. Blocks on the catalog;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

// kInvalidArgument for a malformed plan name, kNotFound for no live tenant.
core::Result<void> SetTenantPlan(TenantService& tenants, std::string_view tenant, std::string_view plan);
core::Result<std::string> TenantPlan(TenantService& tenants, std::string_view tenant);

}  // namespace citadel::platform
