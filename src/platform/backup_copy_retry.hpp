// A backup with its missing copies retried: BackupService::Create, then
// every site that could not take its copy (down, full) gets it from a site
// that did, with back-off (backup/site_retry.hpp, policy from
// BackupServiceOptions::copy_retry). Each copy is recorded in the catalog
// when — and only when — it is complete; a site that stays down costs that
// copy only, as before. The CLI, the scheduler and the safety backup of a
// restore all make their backups this way.
//
// Blocks for the backup and the retries. Thread-safety: BackupService's.
#pragma once

#include <string>

#include "platform/backup_service.hpp"

namespace citadel::platform {

core::Result<BackupRow> CreateBackupWithRetries(BackupService& backups, const std::string& tenant_name,
                                                const std::string& kind, const ProgressReporter& progress = {},
                                                const std::string& id = {});

// The retries alone, for a complete backup `row` missing copies on some of
// the catalog's sites. Returns the row as the catalog then has it, with
// `error` naming the copies still missing (empty when none).
core::Result<BackupRow> RetryMissingCopies(BackupService& backups, const BackupRow& row);

}  // namespace citadel::platform
