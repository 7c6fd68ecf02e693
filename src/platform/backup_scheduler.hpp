// The daily backups `citadel serve` runs by itself: every minute it asks the
// catalog which live tenants are due (backup_schedule.hpp) and backs them up
// one at a time (the bound: backups compete with requests for CPU and I/O),
// most overdue first; after each it applies the retention rule and, when the
// tenant's newest backup has not been restore-verified in the last day,
// verifies it. While the sites do not meet the placement policy nothing runs
// and a warning is logged every hour. Stopping makes the backup in progress
// give up after its current chunk (BackupService::RequestStop: pg_dump
// killed, the sites' temporaries removed, the row failed) and waits for
// that; at start, this machine's backups left running by a dead process are
// failed (BackupCatalog::FailAbandonedHere).
// One thread of its own.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "backup/retention_plans.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "platform/backup_schedule.hpp"
#include "platform/backup_service.hpp"

namespace citadel::platform {

struct BackupSchedulerOptions {
  BackupWindow window;
  // Each tenant keeps what its plan says (backup/retention_plans.hpp).
  backup::RetentionPlans retention;
  std::chrono::seconds poll{60};
  std::chrono::hours verify_every{24};
};

// What monitoring reads (metrics, status), as of the scheduler's last pass:
// a snapshot, so the metrics path never queries the database.
struct BackupMonitorSnapshot {
  bool known = false;  // false until the first pass read the catalog
  std::chrono::system_clock::time_point taken_at{};
  SitePolicy policy;
  int sites = 0;
  std::string policy_problem;  // empty when met
  std::vector<TenantBackupHealth> tenants;
};

class BackupScheduler {
 public:
  // Starts the thread; `backups` and `logger` must outlive the scheduler.
  BackupScheduler(BackupService& backups, BackupSchedulerOptions options, core::Logger& logger);
  ~BackupScheduler();
  BackupScheduler(const BackupScheduler&) = delete;
  BackupScheduler& operator=(const BackupScheduler&) = delete;

  // One pass (what the thread does every `poll`); returns the number of
  // backups made. Public for tests, which construct with a long poll.
  int RunOnce(std::chrono::system_clock::time_point now);

  BackupMonitorSnapshot Snapshot() const;

 private:
  void Run();
  int Pass(std::chrono::system_clock::time_point now);
  bool Stopping();
  void Publish(const std::vector<SiteRow>& sites, const SitePolicy& policy, std::chrono::system_clock::time_point now);

  BackupService& backups_;
  BackupSchedulerOptions options_;
  core::Logger& logger_;
  std::chrono::steady_clock::time_point last_policy_warning_{};
  mutable std::mutex mutex_;
  BackupMonitorSnapshot snapshot_;
  std::mutex pass_;  // one pass at a time (the thread, or a test)
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace citadel::platform
