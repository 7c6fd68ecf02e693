// Rebuilding the catalog's record of backups from the sites: when the
// catalog lost its backups and copies (restored from an old dump, or made
// anew), every site's files are read back and the missing rows re-created.
//
// A backup file is self-describing (backup/backup_file.hpp): its clear
// envelope names the tenant's database and the backup; its sealed archive
// ends with the manifest (time, kind, parts, census). For each
// <tenant db>/<id>.cbk found on a site, of a tenant the catalog knows (by
// its database name): one copy is decrypted whole with the tenant's key from
// the key store (so a file that does not open, or whose envelope names
// another tenant or backup, is reported and never recorded), every copy is
// hashed, and the backup is recorded complete at the manifest's time with
// the copies whose SHA-256 matches the one decrypted. Backups already
// recorded get only the copies they lack. Files of tenants the catalog does
// not know, or whose key is gone (dropped tenants), are reported, not
// recorded. The sites themselves must be in the catalog (`citadel site add`
// them again first: their configuration is the catalog's).
//
// Blocks (reads every backup on every site once, decrypts one copy of each
// backup not recorded); no lock: run it while no backup is being made.
#pragma once

#include <string>
#include <vector>

#include "platform/backup_service.hpp"

namespace citadel::platform {

struct CatalogRebuildOutcome {
  int files_seen = 0;       // <db>/<id>.cbk on all sites
  int backups_added = 0;    // rows re-created
  int copies_added = 0;     // copy rows re-created (including those of new rows)
  std::vector<std::string> skipped;  // "<site>:<path>: why", for the operator
};

core::Result<CatalogRebuildOutcome> RebuildBackupCatalog(BackupService& backups, TenantService& tenants,
                                                         const ProgressReporter& progress = {});

}  // namespace citadel::platform
