// citadel tenant set-plan NAME PLAN: which retention the tenant's backups get
// (docs/backups.md, "Retention per plan"). The plan must be one the
// configuration names ([backup.plan.PLAN]), or "default" for [backup] keep_*;
// the scheduler applies it at the tenant's next prune.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/effective_config.hpp"
#include "cli/tenant_session.hpp"
#include "core/file_system.hpp"
#include "platform/tenant_name.hpp"
#include "platform/tenant_plan.hpp"

namespace citadel::cli {

int RunTenantSetPlan(const TenantSetPlanCommand& command) {
  if (auto problem = platform::TenantNameProblem(command.name)) {
    std::cerr << "citadel: invalid tenant name: " << *problem << "\n";
    return 2;
  }
  auto config = LoadEffectiveConfig(command.common, core::RealFileSystem::Instance());
  if (!config) return ReportFailure(config.error());
  const std::string plan = command.plan == "default" ? std::string() : command.plan;
  int daily = config->backup.keep_daily, weekly = config->backup.keep_weekly, monthly = config->backup.keep_monthly;
  if (!plan.empty()) {
    auto found = config->backup.plans.find(plan);
    if (found == config->backup.plans.end()) {
      std::cerr << "citadel: no plan named '" << plan << "' in the configuration (add [backup.plan." << plan
                << "] with keep_daily, keep_weekly, keep_monthly), or use 'default'\n";
      return 2;
    }
    daily = found->second.keep_daily;
    weekly = found->second.keep_weekly;
    monthly = found->second.keep_monthly;
  }
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  if (auto set = platform::SetTenantPlan(*(*session)->tenants, command.name, plan); !set) {
    return ReportFailure(set.error());
  }
  std::cout << "Tenant " << command.name << ": plan " << (plan.empty() ? "default" : plan) << " (keeps " << daily
            << " daily, " << weekly << " weekly, " << monthly << " monthly backups from its next prune)\n";
  return 0;
}

}  // namespace citadel::cli
