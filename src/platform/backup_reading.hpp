// Reading a recorded backup back: find a copy that a site serves, stream it
// through the BackupFileReader with the tenant's key, and check the whole
// file's SHA-256 against the catalog's record. Shared by verification,
// export (the customer's plain .tar) and restore.
#pragma once

#include <memory>
#include <string>

#include "backup/archive_stream.hpp"
#include "backup/backup_site.hpp"
#include "platform/backup_catalog.hpp"
#include "platform/backup_service.hpp"

namespace citadel::platform {

struct ReadableCopy {
  const CopyRow* copy = nullptr;
  std::unique_ptr<backup::SiteReader> reader;
};

// The first recorded copy of `row` that its site lets us open.
core::Result<ReadableCopy> OpenReadableCopy(const BackupRow& row, const OpenedSites& sites);

// What reading a complete backup back needs: the sites (open while the copy
// is read), the tenant's key and a copy a site serves. `row` must outlive it
// (the copy points into it).
struct OpenedBackup {
  SitesAndKeys sites_and_keys;
  backup::TenantKey key;
  ReadableCopy copy;
};

// Refuses a backup that is not complete; otherwise opens its sites, the
// key of its tenant and the first copy a site serves.
core::Result<OpenedBackup> OpenCompleteBackup(const BackupRow& row, BackupCatalog& catalog,
                                              const BackupServiceOptions& options, const backup::MasterKey& master);

// Streams the copy into `visitor`; fails if the file is not `row`'s backup
// of `row.tenant_db`, does not decrypt with `key`, or differs from the
// recorded digest. Returns the bytes read. Parts already given to the
// visitor are provisional until this returns successfully.
core::Result<std::uint64_t> ReadBackupCopy(const BackupRow& row, ReadableCopy& copy, const backup::TenantKey& key,
                                           backup::ArchiveVisitor& visitor, const ProgressReporter& progress,
                                           const std::string& stage);

}  // namespace citadel::platform
