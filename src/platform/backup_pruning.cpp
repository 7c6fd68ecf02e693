// BackupService::Prune: the retention rule applied to the catalog and the
// sites. The rule itself is pure (backup/retention_policy.hpp); this file
// only feeds it the tenant's complete backups and carries out its verdict.
#include <algorithm>

#include "platform/backup_service.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {

core::Result<std::vector<std::string>> BackupService::Prune(const std::string& tenant_name,
                                                            const backup::RetentionPolicy& policy,
                                                            std::chrono::system_clock::time_point now) {
  if (auto valid = backup::ValidateRetentionPolicy(policy); !valid) return core::Unexpected(valid.error());
  auto backups = List(tenant_name);
  if (!backups) return core::Unexpected(backups.error());
  std::vector<backup::BackupPoint> points;
  for (const auto& row : *backups) {
    if (row.state != "complete") continue;
    auto taken = ParseRfc3339(row.started_at);
    if (!taken) continue;  // never prune what cannot be placed in time
    points.push_back({row.id, *taken});
  }
  auto keep = backup::BackupsToKeep(points, std::chrono::floor<std::chrono::seconds>(now), policy);
  auto opened = OpenAllSites(catalog_);
  if (!opened) return core::Unexpected(opened.error());
  std::vector<std::string> pruned;
  for (const auto& row : *backups) {
    if (row.state != "complete" || std::find(keep.begin(), keep.end(), row.id) != keep.end()) continue;
    bool all_removed = true;
    for (const auto& copy : row.copies) {
      backup::BackupSite* site = nullptr;
      for (const auto& named : opened->named) {
        if (named.name == copy.site) site = named.site;
      }
      if (site == nullptr) {
        all_removed = false;  // its site was removed from the configuration: left to the operator
        continue;
      }
      auto removed = site->Remove(copy.path);
      if (!removed && removed.error().code != core::ErrorCode::kNotFound) {
        all_removed = false;
        continue;
      }
      (void)catalog_.ForgetCopy(row.id, copy.site);
    }
    if (all_removed) {
      if (auto marked = catalog_.MarkPruned(row.id); !marked) return core::Unexpected(marked.error());
      pruned.push_back(row.id);
    }
  }
  return pruned;
}

}  // namespace citadel::platform
