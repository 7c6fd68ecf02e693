// What every `citadel site|backup|keys ...` command opens: the tenants (as
// `citadel tenant` does) and the BackupService over them, configured from
// the data directory: tenant keys in <data dir>/keys, the master key in
// <data dir>/master.key (or CITADEL_MASTER_KEY), the file stores in
// <data dir>/filestore. Also the progress line that long commands print.
#pragma once

#include <memory>
#include <string>

#include "cli/tenant_session.hpp"
#include "backup/retention_plans.hpp"
#include "core/config.hpp"
#include "platform/backup_service.hpp"

namespace citadel::cli {

struct BackupSession {
  core::ServerConfig config;  // as OpenBackups read it
  std::unique_ptr<TenantSession> tenants;
  std::unique_ptr<platform::BackupService> backups;
  ~BackupSession() { backups.reset(); }
};

platform::BackupServiceOptions BackupOptions(const core::ServerConfig& config);

// [backup] keep_* as the default plan, and every [backup.plan.NAME].
backup::RetentionPlans RetentionPlansOf(const core::ServerConfig& config);

core::Result<std::unique_ptr<BackupSession>> OpenBackups(const CommonOptions& common);

// Prints "<stage>: 123.4 MiB, 56.7 MiB/s" on stderr: rewritten in place on a
// terminal, a line every 5 s otherwise (logs, CI).
platform::ProgressReporter StderrProgress();

// Writes backup `backup_id` as a plain .tar to `path` (mode 0600): to
// "<path>.partial" first, renamed only once the whole backup decrypted and
// checked, so a file at `path` is always complete. Returns its size.
core::Result<std::uint64_t> ExportToFile(platform::BackupService& backups, const std::string& backup_id,
                                         const std::string& path);

// "1.5 GiB", "12.0 KiB", "42 B".
std::string HumanBytes(std::uint64_t bytes);

}  // namespace citadel::cli
