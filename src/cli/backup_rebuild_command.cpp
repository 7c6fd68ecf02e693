// citadel backup rebuild-catalog: the catalog's record of backups re-created
// from what the sites hold (platform/backup_catalog_rebuild.hpp), after the
// sites were added again. Exit 0 when nothing was skipped, 1 otherwise (the
// report says what and why).
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/backup_session.hpp"
#include "cli/commands.hpp"
#include "platform/backup_catalog_rebuild.hpp"

namespace citadel::cli {

int RunBackupRebuildCatalog(const BackupRebuildCatalogCommand& command) {
  auto session = OpenBackups(command.common);
  if (!session) return ReportFailure(session.error());
  auto rebuilt = platform::RebuildBackupCatalog(*(*session)->backups, *(*session)->tenants->tenants,
                                                command.json ? platform::ProgressReporter{} : StderrProgress());
  if (!rebuilt) return ReportFailure(rebuilt.error());
  if (command.json) {
    std::cout << nlohmann::ordered_json{{"files_seen", rebuilt->files_seen},
                                        {"backups_added", rebuilt->backups_added},
                                        {"copies_added", rebuilt->copies_added},
                                        {"skipped", rebuilt->skipped}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "Backup files on the sites: " << rebuilt->files_seen << "\n"
              << "Backups recorded again:    " << rebuilt->backups_added << "\n"
              << "Copies recorded again:     " << rebuilt->copies_added << "\n";
    for (const auto& skipped : rebuilt->skipped) std::cout << "Skipped: " << skipped << "\n";
  }
  return rebuilt->skipped.empty() ? 0 : 1;
}

}  // namespace citadel::cli
