// Restore onto the live database: a tenant's database and file store are
// replaced by one of its backups, in one switch, with a safety backup first.
//
//   1. Refused unless the backup is this tenant's (catalog row, manifest and
//      key scope: a backup of tenant A is never restored onto tenant B), and
//      while another restore of the tenant runs (TenantRestoreLock: an
//      advisory lock on the catalog, across processes and servers).
//   2. A safety backup of the live database (an ordinary backup, kind
//      'safety', recorded like any other): the way back.
//   3. The backup is restored beside the live database, into
//      <db>_restoring (owned by the tenant's own role, CONNECT for it alone)
//      and <file store>/<db>.restoring, and its census compared with the
//      manifest. The tenant stays live and served meanwhile.
//   4. The switch, the only moment the tenant is unavailable (well under a
//      second when no session lingers): the catalog marks the tenant
//      'restoring' (no server opens a connection to it), the file stores
//      are swapped by two renames, the sessions on the live database are
//      terminated and, in one PostgreSQL transaction, the live database is
//      renamed <db>_retired and <db>_restoring becomes <db>. Then, in one
//      catalog transaction, the tenant's web sessions end and it is active
//      again. The database keeps its name (the tenant key, the backups'
//      paths on every site, the file store and the role all hang on it):
//      "pointing the catalog at the new database" is the rename, which
//      PostgreSQL commits atomically.
//   5. The retired database and files are dropped.
//
// Servers notice without a message: their pooled connections to the old
// database were terminated (a rename needs no one connected), a new
// connection resolves the tenant through the catalog again, the restored
// database gets a new security epoch (orm/security_signal.hpp) so no cached
// rights of the old one can match it, credential checks read the stored
// hashes in each call's own transaction, and web sessions are deleted.
//
// No half-restored state is ever visible: a failure before the rename
// commits puts everything back (files swapped back, <db>_restoring dropped,
// tenant active); one after it finishes the switch. The same repair runs at
// the start of every restore of the tenant, so a process killed in the
// middle is mended by the next attempt. Rows written to the live database
// after the safety backup began are in neither the safety backup nor the
// result: run it when the tenant is quiet (or accept that).
//
// Blocks for the whole operation: run it on a worker, not an I/O thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "platform/backup_service.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct OntoLiveOptions {
  ProgressReporter progress;                      // bytes of the long stages
  std::function<void(const std::string&)> say;    // one line per step, for the operator
  // Tests inject faults here: called before each step ("safety backup",
  // "scratch database", "restore", "switch", "rename", "catalog", "cleanup");
  // an error stops the restore at that point as a real failure would.
  std::function<core::Result<void>(std::string_view step)> before_step;
  // The safety backup; unset: BackupService::Create(tenant, "safety").
  std::function<core::Result<BackupRow>(const std::string& tenant)> safety_backup;
  int rename_attempts = 10;  // a session that slips in between terminate and rename
};

struct OntoLiveOutcome {
  std::string tenant;
  std::string database;
  std::string backup_id;
  std::string safety_backup_id;
  std::string site;  // the copy that was read
  std::uint64_t bytes_read = 0;
  std::int64_t sessions_ended = 0;           // web sessions deleted at the switch
  std::chrono::milliseconds unavailable{0};  // from 'restoring' to active again
  std::string repaired;  // what an interrupted earlier restore had left, and was mended
  std::string warning;   // cleanup that failed (retried by the next restore)
};

core::Result<OntoLiveOutcome> RestoreOntoLive(BackupService& backups, TenantService& tenants,
                                              const std::string& tenant_name, const std::string& backup_id,
                                              const OntoLiveOptions& options = {});

// Why `row` may not be restored onto `tenant` (empty when it may): another
// tenant's backup, not complete, or a manifest naming another database.
std::string OntoLiveRefusal(const BackupRow& row, const TenantRecord& tenant);

}  // namespace citadel::platform
