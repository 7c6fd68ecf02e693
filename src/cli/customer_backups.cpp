#include "cli/customer_backups.hpp"

#include <chrono>
#include <thread>

#include "core/logger.hpp"

namespace citadel::cli {

CustomerBackups::CustomerBackups(const core::ServerConfig& config, const auth::ServerSecret& secret,
                                 platform::BackupService& backups, platform::TenantService& tenants,
                                 rpc::RpcServices& services, http::Router& router)
    : services_(services),
      tokens_(secret.KeyFor("backup-download")),
      jobs_(backups, tenants, core::Log()),
      desks_(backups, tenants, jobs_,
             [this](const std::string& tenant_db, const std::string& backup_id, std::int64_t uid,
                    std::int64_t expires_unix) {
               return web::IssueBackupDownloadToken(tokens_, tenant_db, backup_id, uid, expires_unix);
             },
             platform::TenantBackupDeskOptions{std::chrono::seconds(600), config.backup.customer_restore_beside}),
      downloads_{services, backups, tokens_, config.backup.max_downloads, {}} {
  services_.tenant_backups = &desks_;
  web::AddBackupDownloadRoute(router, downloads_);
}

CustomerBackups::~CustomerBackups() {
  services_.tenant_backups = nullptr;
  // Downloads run on detached threads that use the backups: the server has
  // closed their connections, so each ends at its next write; wait for that.
  for (int i = 0; i < 1000 && downloads_.running.load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace citadel::cli
