// What `citadel serve` adds for the tenants' own backups: the job queue the
// API's backups and restores run on, the desks citadel.backup reaches
// through (set on the RPC services), and GET /web/backup/<id> with its
// download tokens (signed under the server secret's "backup-download" key).
// Declared after the RPC services and destroyed before them.
#pragma once

#include <memory>

#include "auth/reset_token.hpp"
#include "auth/server_secret.hpp"
#include "core/config.hpp"
#include "http/router.hpp"
#include "platform/backup_job_queue.hpp"
#include "platform/tenant_backup_desk.hpp"
#include "rpc/rpc_services.hpp"
#include "web/backup_download_route.hpp"

namespace citadel::cli {

class CustomerBackups {
 public:
  // Sets services.tenant_backups; adds the download route to `router`.
  CustomerBackups(const core::ServerConfig& config, const auth::ServerSecret& secret,
                  platform::BackupService& backups, platform::TenantService& tenants, rpc::RpcServices& services,
                  http::Router& router);
  ~CustomerBackups();

 private:
  rpc::RpcServices& services_;
  auth::ResetTokenSigner tokens_;
  platform::BackupJobQueue jobs_;
  platform::TenantBackupDesks desks_;
  web::BackupDownloadServices downloads_;
};

}  // namespace citadel::cli
