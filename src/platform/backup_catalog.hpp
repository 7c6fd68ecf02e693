// BackupCatalog: the catalog's record of backup sites, the placement policy,
// and each backup with its copies (catalog migration 4). The record is an
// index, not the truth: a backup file is self-describing (its envelope names
// the tenant and the backup), so a lost catalog is rebuilt from the sites.
//
// Every call is one autocommitted statement (or one transaction) on a
// catalog connection of its own. Blocks on PostgreSQL. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct SiteRow {
  std::string name;    // [a-z0-9][a-z0-9_-]{0,39}
  std::string kind;    // local | sftp
  std::string region;  // a label: sites in one region share a failure domain
  std::string location;          // local: absolute directory; sftp: user@host:port/root
  std::string host_key;          // sftp: the pinned server key ("ssh-ed25519 AAAA...")
  std::string private_key_path;  // sftp: the client key Citadel signs in with
  std::string added_at;
};

struct SitePolicy {
  int min_sites = 3;
  int min_regions = 2;
  std::string lowered_reason;  // empty unless the operator lowered the default
};

struct CopyRow {
  std::string backup_id;
  std::string site;
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
  std::string stored_at;
  std::optional<std::string> verified_at;
};

struct BackupRow {
  std::string id;
  std::int64_t tenant_id = 0;
  std::string tenant_db;
  std::string kind;   // scheduled | manual | safety | final
  std::string state;  // running | complete | failed | pruned
  std::string started_at;
  std::optional<std::string> finished_at;
  std::optional<std::uint64_t> size;
  std::string manifest;  // JSON text, empty while running
  std::optional<std::string> verified_at;
  std::string verify_error;
  std::string error;
  std::vector<CopyRow> copies;
};

// Where a live tenant stands: its newest complete backup, and its newest
// backup that was restore-verified (what monitoring watches).
struct TenantBackupHealth {
  std::int64_t tenant_id = 0;
  std::string tenant;
  std::string tenant_db;
  std::string plan;                              // its retention plan ('' the default)
  std::string created_at;                        // the tenant's
  std::optional<std::string> last_backup_at;     // started_at of the newest complete backup
  std::optional<std::string> verified_backup_at; // started_at of the newest verified one
  std::string verified_backup_id;
  int verified_sites = 0;                         // copies of that one
};

class BackupCatalog {
 public:
  explicit BackupCatalog(TenantService& tenants) : tenants_(tenants) {}

  core::Result<void> AddSite(const SiteRow& site);
  core::Result<std::vector<SiteRow>> ListSites();
  core::Result<SiteRow> GetSite(const std::string& name);
  // kFailedPrecondition-like kInvalidArgument if copies are recorded on it,
  // unless `forget_copies` (the copies are then dropped from the record).
  core::Result<void> RemoveSite(const std::string& name, bool forget_copies);

  core::Result<SitePolicy> Policy();
  core::Result<void> SetPolicy(const SitePolicy& policy);

  core::Result<void> BeginBackup(const std::string& id, std::int64_t tenant_id, const std::string& tenant_db,
                                 const std::string& kind);
  core::Result<void> CompleteBackup(const std::string& id, std::uint64_t size, const std::string& sha256,
                                    const std::string& manifest_json, const std::vector<CopyRow>& copies);
  core::Result<void> FailBackup(const std::string& id, const std::string& error);
  core::Result<void> RecordVerification(const std::string& id, const std::string& error);
  core::Result<void> MarkPruned(const std::string& id);
  core::Result<void> ForgetCopy(const std::string& id, const std::string& site);
  // Records a copy made after the backup completed (a retried site); only
  // for a complete backup, and never twice for one site.
  core::Result<void> AddCopy(const CopyRow& copy);

  // Newest first; with the copies.
  core::Result<std::vector<BackupRow>> ListBackups(std::int64_t tenant_id);
  core::Result<BackupRow> GetBackup(const std::string& id);
  // Backups left 'running' by a server that died: failed, with a reason.
  // Every server's: only for a catalog no server uses at the moment.
  core::Result<int> FailAbandoned(const std::string& reason);
  // The same, for this machine's processes only: each backup records the
  // host and process that runs it ("<host name>:<pid>"), and a row whose
  // process is gone is failed. Another server's running backup, or one of
  // a `citadel backup create` still at work here, is left alone.
  core::Result<int> FailAbandonedHere(const std::string& reason);
  // Every live tenant, by name.
  core::Result<std::vector<TenantBackupHealth>> Health();

 private:
  TenantService& tenants_;
};

}  // namespace citadel::platform
