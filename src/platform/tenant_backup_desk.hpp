// TenantBackupDesks: the platform's side of citadel.backup — one
// orm::TenantBackups per call, bound to the calling tenant (by name, from
// the request's credentials, never from the client's arguments), over the
// server's BackupService, its BackupJobQueue and a download-link signer.
//
// Scope: a backup is the tenant's when its catalog row names the tenant's
// id and database; any other id is "does not exist", whether it exists for
// another tenant or not at all. Listing leaves pruned backups out and shows
// a queued backup (not started yet) as "queued".
//
// Restore beside makes a new tenant (a database, its role and key, the
// operator's capacity and billing): the platform decides, so a customer
// may not unless the operator allows it ([backup] customer_restore_beside);
// the refusal says to ask the operator. Even then the new tenant's name
// must start with "<tenant>-", so that one customer cannot take names.
//
// Thread-safe: the desks share nothing mutable but the queue (itself
// thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "orm/tenant_backups.hpp"
#include "platform/backup_job_queue.hpp"
#include "platform/backup_service.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

// Signs a download link's token for (tenant database, backup id, uid, expiry).
using DownloadTokenIssuer = std::function<std::string(const std::string& tenant_db, const std::string& backup_id,
                                                      std::int64_t uid, std::int64_t expires_unix)>;

struct TenantBackupDeskOptions {
  std::chrono::seconds link_lifetime{600};
  bool customer_restore_beside = false;
};

class TenantBackupDesks {
 public:
  // Everything given must outlive this object and the desks it makes.
  TenantBackupDesks(BackupService& backups, TenantService& tenants, BackupJobQueue& jobs,
                    DownloadTokenIssuer issue_token, TenantBackupDeskOptions options = {});

  // The desk of the tenant named `tenant` (the call's tenant).
  std::shared_ptr<orm::TenantBackups> For(const std::string& tenant);

 private:
  BackupService& backups_;
  TenantService& tenants_;
  BackupJobQueue& jobs_;
  DownloadTokenIssuer issue_token_;
  TenantBackupDeskOptions options_;
};

}  // namespace citadel::platform
