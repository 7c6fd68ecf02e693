// The cluster and file-system steps of a restore onto the live database
// (backup_restore_live.hpp): the scratch database beside the live one, the
// switch (file stores swapped by renames, the databases renamed in one
// transaction), and the repair that either undoes a switch that had not
// committed or finishes one that had.
//
// The names are fixed per tenant, not random: the caller holds the tenant's
// restore lock (restore_lock.hpp), so no two restores share them, and a
// restore that was killed leaves names the next one knows to look for.
// Stateless; connections are used by one thread.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.hpp"
#include "db/connection.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct LiveSwitchNames {
  std::string database;     // the tenant's, t_<id>
  std::string role;         // its owner
  std::string scratch;      // <db>_restoring: the restored database until the switch
  std::string retired;      // <db>_retired: the old one after it
  std::string live_dir;     // <file store root>/<db>; all three empty without a file store
  std::string scratch_dir;  // <file store root>/<db>.restoring
  std::string retired_dir;  // <file store root>/<db>.retired

  static LiveSwitchNames For(const TenantRecord& tenant, const std::string& file_store_root);
};

// An empty database `names.scratch` owned by the tenant's role, CONNECT and
// TEMPORARY for that role alone, its public schema the role's (as a new
// tenant's); and an empty `scratch_dir`.
core::Result<void> CreateScratchDatabase(TenantService& tenants, db::Connection& maintenance,
                                         const LiveSwitchNames& names);

// Gives the restored database a security epoch of its own
// (orm/security_signal.hpp): cached rights of the live one never match it.
core::Result<void> RenewSecurityEpoch(const std::string& dsn);

// live_dir -> retired_dir, then scratch_dir -> live_dir. Undone if the
// second rename fails.
core::Result<void> SwapFileStores(const LiveSwitchNames& names);

// Terminates every session on both databases and, in one transaction,
// renames the live one to `retired` and `scratch` to the live name; retried
// while a session slips in between. kUnavailable if it never could.
core::Result<void> RenameIntoPlace(db::Connection& maintenance, const LiveSwitchNames& names, int attempts);

// In one catalog transaction: the tenant's web sessions end, and it is
// active again. Returns the number of sessions ended.
core::Result<std::int64_t> ActivateAfterSwitch(db::Connection& catalog, std::int64_t tenant_id);

// Removes `retired_dir`, then drops `retired` (in that order: the database
// is the mark that the switch committed).
core::Result<void> DropRetired(db::Connection& maintenance, const LiveSwitchNames& names);

// Mends what an interrupted restore left: if `retired` exists the rename had
// committed, so the switch is finished (sessions ended, tenant active,
// retired database and files dropped); otherwise it is undone (file stores
// swapped back, scratch database and files removed, tenant active). Returns
// what it did ("" when there was nothing to mend).
core::Result<std::string> RepairLiveSwitch(db::Connection& maintenance, db::Connection& catalog,
                                           const TenantRecord& tenant, const LiveSwitchNames& names);

}  // namespace citadel::platform
