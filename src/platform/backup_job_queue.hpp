// BackupJobQueue: backups and restores a tenant's administrator asked for
// through the API (citadel.backup, orm/tenant_backups.hpp), run one at a
// time on a thread of its own, so that the API call returns at once and no
// db worker waits for a dump or a restore (which may take minutes).
//
// Bounded: at most `capacity` jobs wait, and a tenant has at most one job
// queued or running at a time (Submit refuses with kResourceExhausted /
// kUnavailable, and a message for the client). A backup job carries the id
// the client was given (BackupService::Create with it); a restore job is
// RestoreOntoLive (backup_restore_live.hpp), whose own checks (the backup
// is the tenant's, no other restore of it runs) still apply, or
// BackupService::RestoreBeside (when the operator lets customers). Outcomes are
// logged with the uid that asked; the catalog keeps the backups' states.
//
// Destroying the queue drops the jobs not started and waits for the one
// running; a backup gives up after its current chunk once the
// BackupService is asked to stop (the server asks it first).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/logger.hpp"
#include "platform/backup_service.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct BackupJob {
  enum class Kind { kBackup, kRestoreOntoLive, kRestoreBeside };
  Kind kind = Kind::kBackup;
  std::string tenant;
  std::string backup_id;  // the new backup's id, or the backup to restore
  std::int64_t uid = 0;   // who asked, for the log
  std::string queued_at;  // RFC 3339
  std::string new_name = std::string();  // kRestoreBeside: the new tenant
};

class BackupJobQueue {
 public:
  // `backups`, `tenants` and `logger` must outlive the queue.
  BackupJobQueue(BackupService& backups, TenantService& tenants, core::Logger& logger, std::size_t capacity = 16);
  ~BackupJobQueue();
  BackupJobQueue(const BackupJobQueue&) = delete;
  BackupJobQueue& operator=(const BackupJobQueue&) = delete;

  core::Result<void> Submit(BackupJob job);
  // The tenant's job queued or running, if any.
  std::optional<BackupJob> PendingFor(const std::string& tenant) const;
  // Waits until no job is queued or running (tests); false after `timeout`.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  void Run();
  void RunJob(const BackupJob& job);

  BackupService& backups_;
  TenantService& tenants_;
  core::Logger& logger_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<BackupJob> queued_;
  std::optional<BackupJob> running_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace citadel::platform
