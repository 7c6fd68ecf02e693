#include "platform/tenant_backup_desk.hpp"

#include <algorithm>
#include <chrono>

#include "platform/backup_download.hpp"
#include "platform/backup_restore_live.hpp"
#include "platform/tenant_name.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

class TenantBackupDesk final : public orm::TenantBackups {
 public:
  TenantBackupDesk(BackupService& backups, TenantService& tenants, BackupJobQueue& jobs,
                   const DownloadTokenIssuer& issue_token, const TenantBackupDeskOptions& options, std::string tenant)
      : backups_(backups),
        tenants_(tenants),
        jobs_(jobs),
        issue_token_(issue_token),
        options_(options),
        tenant_(std::move(tenant)) {}

  core::Result<std::vector<orm::TenantBackupSummary>> List() const override {
    auto tenant = tenants_.Get(tenant_);
    if (!tenant) return core::Unexpected(tenant.error());
    auto rows = backups_.catalog().ListBackups(tenant->id);
    if (!rows) return core::Unexpected(rows.error());
    std::vector<orm::TenantBackupSummary> listed;
    if (auto job = jobs_.PendingFor(tenant_); job && job->kind == BackupJob::Kind::kBackup) {
      const bool started = std::any_of(rows->begin(), rows->end(), [&](const BackupRow& row) { return row.id == job->backup_id; });
      if (!started) listed.push_back({job->backup_id, "manual", "queued", job->queued_at, std::nullopt, {}, std::nullopt, {}});
    }
    for (const auto& row : *rows) {
      if (row.state == "pruned" || row.tenant_db != tenant->db_name) continue;
      orm::TenantBackupSummary summary{row.id, row.kind, row.state, row.started_at, row.size, {}, row.verified_at,
                                       row.state == "failed" ? row.error : row.verify_error};
      for (const auto& copy : row.copies) summary.sites.push_back(copy.site);
      listed.push_back(std::move(summary));
    }
    return listed;
  }

  core::Result<std::string> CreateNow(std::int64_t uid) override {
    auto tenant = tenants_.Get(tenant_);
    if (!tenant) return core::Unexpected(tenant.error());
    const auto now = std::chrono::system_clock::now();
    std::string id = NewBackupId(now);
    auto queued = jobs_.Submit({BackupJob::Kind::kBackup, tenant_, id, uid, Rfc3339(now)});
    if (!queued) return core::Unexpected(queued.error());
    return id;
  }

  core::Result<void> RestoreOntoLive(const std::string& backup_id, std::int64_t uid) override {
    auto row = OwnCompleteBackup(backup_id);
    if (!row) return core::Unexpected(row.error());
    auto tenant = tenants_.Get(tenant_);
    if (!tenant) return core::Unexpected(tenant.error());
    if (auto refusal = OntoLiveRefusal(*row, *tenant); !refusal.empty()) {
      return Fail(ErrorCode::kInvalidArgument, refusal);
    }
    return jobs_.Submit({BackupJob::Kind::kRestoreOntoLive, tenant_, backup_id, uid,
                         Rfc3339(std::chrono::system_clock::now())});
  }

  core::Result<std::string> RestoreBeside(const std::string& backup_id, const std::string& new_name,
                                          std::int64_t uid) override {
    auto row = OwnCompleteBackup(backup_id);
    if (!row) return core::Unexpected(row.error());
    if (!options_.customer_restore_beside) {
      return Fail(ErrorCode::kPermissionDenied,
                  "Restoring beside creates a new database, which your hosting provider decides: ask them to "
                  "restore backup " + backup_id + " as a new database (citadel backup restore " + backup_id +
                      " --as NAME).");
    }
    if (!new_name.starts_with(tenant_ + "-") || TenantNameProblem(new_name).has_value()) {
      return Fail(ErrorCode::kInvalidArgument, "The new database's name must start with \"" + tenant_ +
                                                   "-\" and use only lowercase letters, digits and '-'.");
    }
    BackupJob job{BackupJob::Kind::kRestoreBeside, tenant_, backup_id, uid, Rfc3339(std::chrono::system_clock::now())};
    job.new_name = new_name;
    if (auto queued = jobs_.Submit(std::move(job)); !queued) return core::Unexpected(queued.error());
    return new_name;
  }

  core::Result<orm::TenantBackupDownload> DownloadLink(const std::string& backup_id, std::int64_t uid) override {
    auto row = OwnCompleteBackup(backup_id);
    if (!row) return core::Unexpected(row.error());
    auto size = PlainArchiveSize(*row);
    if (!size) return core::Unexpected(size.error());
    const std::int64_t expires =
        std::chrono::duration_cast<std::chrono::seconds>(
            (std::chrono::system_clock::now() + options_.link_lifetime).time_since_epoch())
            .count();
    std::string token = issue_token_(row->tenant_db, row->id, uid, expires);
    return orm::TenantBackupDownload{"/web/backup/" + row->id + "?token=" + token, token, expires, *size};
  }

 private:
  // The backup if it is this tenant's and complete; "does not exist" for
  // any other id, so another tenant's backups cannot even be confirmed.
  core::Result<BackupRow> OwnCompleteBackup(const std::string& backup_id) const {
    const std::string missing = "Backup " + backup_id + " does not exist.";
    auto tenant = tenants_.Get(tenant_);
    if (!tenant) return core::Unexpected(tenant.error());
    auto row = backups_.catalog().GetBackup(backup_id);
    if (!row) {
      if (row.error().code == ErrorCode::kNotFound) return Fail(ErrorCode::kNotFound, missing);
      return core::Unexpected(row.error());
    }
    if (row->tenant_id != tenant->id || row->tenant_db != tenant->db_name || row->state == "pruned") {
      return Fail(ErrorCode::kNotFound, missing);
    }
    if (row->state != "complete") return Fail(ErrorCode::kInvalidArgument, "Backup " + backup_id + " is " + row->state + ".");
    return row;
  }

  BackupService& backups_;
  TenantService& tenants_;
  BackupJobQueue& jobs_;
  const DownloadTokenIssuer& issue_token_;
  const TenantBackupDeskOptions& options_;
  std::string tenant_;
};

}  // namespace

TenantBackupDesks::TenantBackupDesks(BackupService& backups, TenantService& tenants, BackupJobQueue& jobs,
                                     DownloadTokenIssuer issue_token, TenantBackupDeskOptions options)
    : backups_(backups), tenants_(tenants), jobs_(jobs), issue_token_(std::move(issue_token)), options_(options) {}

std::shared_ptr<orm::TenantBackups> TenantBackupDesks::For(const std::string& tenant) {
  return std::make_shared<TenantBackupDesk>(backups_, tenants_, jobs_, issue_token_, options_, tenant);
}

}  // namespace citadel::platform
