// TenantBackups: what the model citadel.backup (modules/base) may ask of the
// platform's backups on behalf of one tenant — the tenant of the call's
// Environment, fixed when the object is made, never a name the client gives.
// The ORM knows no catalog, site or key (layering); platform/
// tenant_backup_desk.hpp is the real one, and rpc/caller_environment gives
// it to every client call.
//
// Access is not checked here: the model's methods pass AccessGuard (the
// ORM's one enforcement point, ir.model.access on citadel.backup) first.
// What is checked here is scope: a backup id that is not this tenant's is
// kNotFound, exactly as an id that does not exist, so that no tenant can
// learn of, download or restore another's backup.
//
// Errors are core::Result; their messages are safe to show the client.
// Long work (a backup, a restore) is queued and runs on the platform's own
// thread: these calls return at once (they run inside a client's database
// transaction, on a db worker).
//
// Implementations are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace citadel::orm {

struct TenantBackupSummary {
  std::string id;          // "20261203t065823z-62ece2"
  std::string kind;        // scheduled | manual | safety | final
  std::string state;       // running | complete | failed (pruned ones are not listed)
  std::string started_at;  // RFC 3339, UTC
  std::optional<std::uint64_t> size;  // of the encrypted file, once complete
  std::vector<std::string> sites;     // names of the sites holding a copy
  std::optional<std::string> verified_at;  // last successful restore-verification
  std::string error;                  // why it failed, or which copies are missing
};

struct TenantBackupDownload {
  std::string url;    // "/web/backup/<id>?token=..." (relative to the tenant's host)
  std::string token;  // short-lived, signed, for this tenant, backup and user
  std::int64_t expires_unix = 0;
  std::uint64_t size = 0;  // of the plain .tar
};

class TenantBackups {
 public:
  virtual ~TenantBackups() = default;

  // The tenant's backups, newest first.
  virtual core::Result<std::vector<TenantBackupSummary>> List() const = 0;
  // Queues a backup of the tenant now; returns its id (listed as running at
  // once, complete or failed later). kUnavailable when the queue is full or
  // the tenant already has a backup or restore queued.
  virtual core::Result<std::string> CreateNow(std::int64_t uid) = 0;
  // Queues a restore of the tenant's backup `backup_id` onto the live
  // database (a safety backup first; everyone signs in again afterwards).
  virtual core::Result<void> RestoreOntoLive(const std::string& backup_id, std::int64_t uid) = 0;
  // Restore beside makes a new tenant: kPermissionDenied with the reason
  // when a customer may not (the platform decides).
  virtual core::Result<std::string> RestoreBeside(const std::string& backup_id, const std::string& new_name,
                                                  std::int64_t uid) = 0;
  // A download link for `uid` to the backup as a plain .tar.
  virtual core::Result<TenantBackupDownload> DownloadLink(const std::string& backup_id, std::int64_t uid) = 0;
};

}  // namespace citadel::orm
