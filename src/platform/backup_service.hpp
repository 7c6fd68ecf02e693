// BackupService: a tenant's backups, end to end.
//
// Create: in one REPEATABLE READ snapshot of the tenant's database (as the
// tenant's own role: a backup needs no more rights than the tenant has),
// pg_dump --snapshot streams the dump into the backup file (backup_file.hpp:
// archive -> zstd -> AES-256-GCM) written to every site at once, its table
// census (table_census.hpp, "copy-text") read from the dump as it passes; the
// tenant's file store follows in the same archive, and the manifest last. Each site re-reads its copy before it is
// published; the catalog records the backup and its copies in one
// transaction. Nothing is held whole in memory or written in clear to disk.
//
// Verify: one copy is streamed back, decrypted and restored with pg_restore
// into a scratch database, whose census must equal the manifest's; the
// scratch database is dropped whatever happens.
//
// The tenant key is made at the tenant's first backup; a tenant that already
// has backups but whose key cannot be found is an error, never a new key
// (that would orphan its backups).
//
// Blocks for the whole operation: run it on a worker. One operation per
// tenant at a time is the caller's business (the scheduler serialises).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "backup/byte_sink.hpp"
#include "backup/retention_policy.hpp"
#include "backup/site_retry.hpp"
#include "backup/tenant_key_store.hpp"
#include "platform/backup_catalog.hpp"
#include "platform/backup_sites.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

// The archive's parts (backup/archive_stream.hpp): the dump, the file store's
// files as "filestore/<path>", and the manifest, last.
inline constexpr const char* kBackupDumpPart = "database.dump";
inline constexpr const char* kBackupManifestPart = "manifest.json";
inline constexpr const char* kBackupManifestFormat = "citadel-backup-manifest/1";

struct BackupProgress {
  std::string stage;        // "dump", "file store", "verify", ...
  std::uint64_t bytes = 0;  // of the stage's stream so far
  std::chrono::milliseconds elapsed{0};
};
using ProgressReporter = std::function<void(const BackupProgress&)>;

struct BackupServiceOptions {
  std::string pg_bin_dir = "/usr/lib/postgresql/15/bin";
  std::string key_directory;     // tenant key records (tenant_key_store.hpp)
  std::string master_key_path;   // or CITADEL_MASTER_KEY
  bool create_master_key = false;  // make one at first use (the embedded default)
  std::string file_store_root;   // <root>/<tenant database>/ holds a tenant's files; empty: none
  std::chrono::milliseconds tool_timeout = std::chrono::hours(12);
  // Copies a site could not take, retried from another site's copy
  // (backup_copy_retry.hpp); [backup] copy_retries, copy_retry_delay_ms.
  backup::CopyRetryPolicy copy_retry;
};

struct VerifyOutcome {
  std::string backup_id;
  std::string site;           // the copy that was restored
  std::string differences;    // empty when the restore matched the manifest
  std::uint64_t bytes_read = 0;
  bool ok() const { return differences.empty(); }
};

class BackupService {
 public:
  // Loads (or, if allowed, creates) the master key. `tenants` must outlive it.
  static core::Result<std::unique_ptr<BackupService>> Open(TenantService& tenants, BackupServiceOptions options);

  // `id`: the backup's id when the caller gave it out already (a queued
  // backup, backup_job_queue.hpp); empty: a new one (NewBackupId).
  core::Result<BackupRow> Create(const std::string& tenant_name, const std::string& kind,
                                 const ProgressReporter& progress = {}, const std::string& id = {});
  core::Result<std::vector<BackupRow>> List(const std::string& tenant_name);
  core::Result<VerifyOutcome> Verify(const std::string& backup_id, const ProgressReporter& progress = {});
  // Restore beside: a new tenant `new_name` made from the backup (its
  // database from the dump, its file store from the files), checked against
  // the manifest's census before it becomes active; undone on any failure.
  core::Result<TenantRecord> RestoreBeside(const std::string& backup_id, const std::string& new_name,
                                           const ProgressReporter& progress = {});
  // The backup's dump restored into the empty database of `dsn` (its objects
  // owned by the DSN's role) and its files under `file_store`, then the
  // census compared with the manifest the backup carried (`differences`
  // empty when every table matches). The caller owns the database and the
  // directory, and removes them on failure (restore onto the live database,
  // backup_restore_live.hpp).
  struct RestoredInto {
    std::uint64_t bytes_read = 0;
    std::string site;         // the copy that was read
    std::string differences;  // empty when the restore matched the manifest
  };
  core::Result<RestoredInto> RestoreInto(const BackupRow& row, const std::string& dsn, const std::string& file_store,
                                         const ProgressReporter& progress = {});
  // The backup as a plain .tar (dump, file store, manifest), decrypted,
  // streamed to `out` (closed at the end). What was written before an error
  // is not a valid archive: write to a temporary name and publish on success.
  core::Result<std::uint64_t> Export(const std::string& backup_id, backup::ByteSink& out,
                                     const ProgressReporter& progress = {});

  // Grandfather-father-son retention (backup/retention_policy.hpp): the
  // tenant's complete backups outside the policy are removed from every
  // site and marked pruned. A copy a site cannot remove now stays recorded
  // and is retried by the next prune. Returns the ids pruned.
  core::Result<std::vector<std::string>> Prune(const std::string& tenant_name,
                                               const backup::RetentionPolicy& policy,
                                               std::chrono::system_clock::time_point now);

  // Crypto-shredding: destroys the tenant key everywhere (tenant_key_store.hpp),
  // so that no backup of the tenant, on any site, can be read again by
  // anyone. One outcome per site; a site not reached is cleaned by the next
  // key replication.
  core::Result<std::vector<backup::SiteOutcome>> DestroyTenantKey(const std::string& tenant_db);

  // The server is stopping: a backup in progress gives up after the chunk it
  // is writing (pg_dump killed, the sites' temporaries removed, its row
  // failed), copy retries stop waiting, and no new backup starts. For good.
  void RequestStop() { stopping_ = true; }
  bool stopping() const { return stopping_.load(); }

  BackupCatalog& catalog() { return catalog_; }
  // The master key, read again from its file (or CITADEL_MASTER_KEY) when
  // that changed: after `citadel keys rotate` in another process, a running
  // server uses the new key from its next operation, without a restart
  // (the rotation re-wraps the local records and then removes the old ones
  // from the sites, so the old key would soon open nothing). A key that
  // cannot be read keeps the one in use. A copy: cheap, and safe to hold.
  backup::MasterKey master() const;
  const BackupServiceOptions& options() const { return options_; }

 private:
  BackupService(TenantService& tenants, BackupServiceOptions options, backup::MasterKey master);
  TenantService& tenants_;
  BackupServiceOptions options_;
  mutable std::mutex master_mutex_;
  mutable backup::MasterKey master_;
  mutable std::optional<std::filesystem::file_time_type> master_file_time_;
  BackupCatalog catalog_;
  std::atomic<bool> stopping_{false};
};

// The sites of the catalog, open, with the key store over them.
struct SitesAndKeys {
  OpenedSites sites;
  std::unique_ptr<backup::TenantKeyStore> keys;
};
core::Result<SitesAndKeys> OpenSitesAndKeys(BackupCatalog& catalog, const BackupServiceOptions& options,
                                            const backup::MasterKey& master);

// A new backup id: the UTC time and a random suffix, e.g.
// "20261203t061502z-3fa9c1" (sorts by time; [a-z0-9-] for file names).
std::string NewBackupId(std::chrono::system_clock::time_point now);

}  // namespace citadel::platform
