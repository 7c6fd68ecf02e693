#include "platform/backup_copy_retry.hpp"

#include "platform/backup_sites.hpp"

#include <algorithm>
#include <thread>

namespace citadel::platform {

core::Result<BackupRow> CreateBackupWithRetries(BackupService& backups, const std::string& tenant_name,
                                                const std::string& kind, const ProgressReporter& progress,
                                                const std::string& id) {
  auto made = backups.Create(tenant_name, kind, progress, id);
  if (!made || made->error.empty()) return made;
  auto retried = RetryMissingCopies(backups, *made);
  if (!retried) {
    made->error += " (retrying them failed: " + retried.error().message + ")";
    return made;
  }
  return retried;
}

core::Result<BackupRow> RetryMissingCopies(BackupService& backups, const BackupRow& row) {
  if (row.state != "complete" || row.copies.empty()) return row;
  auto sites = OpenAllSites(backups.catalog());
  if (!sites) return core::Unexpected(sites.error());
  const std::string path = row.copies.front().path;
  std::vector<backup::CopyOutcome> outcomes;
  for (const auto& site : sites->named) {
    backup::CopyOutcome outcome{site.name, std::nullopt, "no copy"};
    for (const auto& copy : row.copies) {
      if (copy.site == site.name && copy.path == path) {
        outcome.copy = backup::SiteCopy{copy.path, copy.size, copy.sha256};
        outcome.error.clear();
      }
    }
    outcomes.push_back(std::move(outcome));
  }
  std::vector<bool> had(outcomes.size());
  for (std::size_t i = 0; i < outcomes.size(); ++i) had[i] = outcomes[i].copy.has_value();
  // A stopping server does not wait out the back-off.
  backup::CopyRetryPolicy policy = backups.options().copy_retry;
  policy.stop = [&backups] { return backups.stopping(); };
  if (!policy.sleep) {
    policy.sleep = [&backups](std::chrono::milliseconds delay) {
      auto until = std::chrono::steady_clock::now() + delay;
      while (!backups.stopping() && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(100), std::chrono::duration_cast<std::chrono::milliseconds>(
                                                until - std::chrono::steady_clock::now())));
      }
    };
  }
  backup::RetryFailedCopies(sites->named, path, outcomes, policy);

  std::string missing;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& outcome = outcomes[i];
    if (had[i]) continue;
    if (!outcome.copy) {
      missing += outcome.site + ": " + outcome.error + "; ";
      continue;
    }
    auto recorded = backups.catalog().AddCopy(
        CopyRow{row.id, outcome.site, outcome.copy->path, outcome.copy->size, outcome.copy->sha256_hex, {}, {}});
    if (!recorded) missing += outcome.site + ": copied but not recorded: " + recorded.error().message + "; ";
  }
  auto updated = backups.catalog().GetBackup(row.id);
  if (!updated) return core::Unexpected(updated.error());
  if (!missing.empty()) updated->error = "copies missing: " + missing;
  return updated;
}

}  // namespace citadel::platform
