#include "cli/backup_metrics.hpp"

#include "platform/utc_time.hpp"

namespace citadel::cli {

void AddBackupMetrics(http::MetricsRegistry& metrics, const platform::BackupScheduler& scheduler) {
  metrics.AddCollector([&scheduler](std::string& out) {
    platform::BackupMonitorSnapshot snapshot = scheduler.Snapshot();
    if (!snapshot.known) return;
    platform::SitePolicy defaults;
    bool lowered = snapshot.policy.min_sites < defaults.min_sites || snapshot.policy.min_regions < defaults.min_regions;
    out += "# HELP citadel_backup_sites Backup sites configured.\n# TYPE citadel_backup_sites gauge\n";
    out += "citadel_backup_sites " + std::to_string(snapshot.sites) + "\n";
    out += "# HELP citadel_backup_policy_met Whether the sites meet the placement policy (else no backup runs).\n"
           "# TYPE citadel_backup_policy_met gauge\n";
    out += "citadel_backup_policy_met " + std::string(snapshot.policy_problem.empty() ? "1" : "0") + "\n";
    out += "# HELP citadel_backup_policy_lowered Whether the operator lowered the policy below 3 sites in 2 regions.\n"
           "# TYPE citadel_backup_policy_lowered gauge\n";
    out += "citadel_backup_policy_lowered " + std::string(lowered ? "1" : "0") + "\n";
    out += "# HELP citadel_backup_verified_age_seconds Age of each tenant's newest restore-verified backup "
           "(absent: none yet).\n# TYPE citadel_backup_verified_age_seconds gauge\n";
    std::string sites_lines;
    auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    for (const auto& tenant : snapshot.tenants) {
      std::string label = "{tenant=\"" + http::MetricsRegistry::EscapeLabelValue(tenant.tenant) + "\"}";
      if (tenant.verified_backup_at) {
        if (auto at = platform::ParseRfc3339(*tenant.verified_backup_at)) {
          out += "citadel_backup_verified_age_seconds" + label + " " + std::to_string((now - *at).count()) + "\n";
        }
      }
      sites_lines += "citadel_backup_verified_sites" + label + " " + std::to_string(tenant.verified_sites) + "\n";
    }
    out += "# HELP citadel_backup_verified_sites Sites holding each tenant's newest restore-verified backup.\n"
           "# TYPE citadel_backup_verified_sites gauge\n" +
           sites_lines;
  });
}

}  // namespace citadel::cli
