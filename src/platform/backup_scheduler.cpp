#include "platform/backup_scheduler.hpp"

#include <algorithm>

#include "platform/backup_copy_retry.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {

BackupScheduler::BackupScheduler(BackupService& backups, BackupSchedulerOptions options, core::Logger& logger)
    : backups_(backups), options_(options), logger_(logger), thread_([this] { Run(); }) {}

BackupScheduler::~BackupScheduler() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  // A backup in progress gives up now (its row failed, temporaries removed)
  // rather than holding the server's stop for as long as it would take.
  backups_.RequestStop();
  wake_.notify_all();
  thread_.join();
}

bool BackupScheduler::Stopping() {
  std::lock_guard lock(mutex_);
  return stop_;
}

void BackupScheduler::Run() {
  // Backups this machine began in a process that is gone (killed, crashed)
  // would stay 'running' forever: failed now, with the reason.
  auto abandoned = backups_.catalog().FailAbandonedHere("abandoned: the process running it ended before it did");
  if (!abandoned) {
    logger_.Warn("cannot fail abandoned backups", {{"error", abandoned.error().message}});
  } else if (*abandoned > 0) {
    logger_.Warn("abandoned backups marked failed", {{"count", *abandoned}});
  }
  while (true) {
    {
      std::unique_lock lock(mutex_);
      // The first pass waits a moment: the server finishes starting first.
      wake_.wait_for(lock, std::chrono::seconds(5), [&] { return stop_; });
      if (stop_) return;
    }
    RunOnce(std::chrono::system_clock::now());
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll, [&] { return stop_; });
    if (stop_) return;
  }
}

BackupMonitorSnapshot BackupScheduler::Snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void BackupScheduler::Publish(const std::vector<SiteRow>& sites, const SitePolicy& policy,
                              std::chrono::system_clock::time_point now) {
  BackupMonitorSnapshot snapshot;
  snapshot.taken_at = now;
  snapshot.policy = policy;
  snapshot.sites = static_cast<int>(sites.size());
  snapshot.policy_problem = SitePolicyProblem(sites, policy);
  auto health = backups_.catalog().Health();
  if (!health) return;  // the last snapshot stays
  snapshot.tenants = std::move(*health);
  snapshot.known = true;
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
}

int BackupScheduler::RunOnce(std::chrono::system_clock::time_point now) {
  std::lock_guard pass(pass_);
  int made = Pass(now);
  auto sites = backups_.catalog().ListSites();
  auto policy = backups_.catalog().Policy();
  if (sites && policy) Publish(*sites, *policy, now);
  return made;
}

int BackupScheduler::Pass(std::chrono::system_clock::time_point now) {
  auto& catalog = backups_.catalog();
  auto sites = catalog.ListSites();
  auto policy = catalog.Policy();
  if (!sites || !policy) {
    logger_.Warn("backup scheduler cannot read the catalog",
                 {{"error", !sites ? sites.error().message : policy.error().message}});
    return 0;
  }
  if (auto problem = SitePolicyProblem(*sites, *policy); !problem.empty()) {
    auto steady = std::chrono::steady_clock::now();
    if (steady - last_policy_warning_ >= std::chrono::hours(1)) {
      last_policy_warning_ = steady;
      logger_.Warn("scheduled backups are not running", {{"reason", problem}});
    }
    return 0;
  }
  auto health = catalog.Health();
  if (!health) {
    logger_.Warn("backup scheduler cannot read the catalog", {{"error", health.error().message}});
    return 0;
  }
  auto now_seconds = std::chrono::floor<std::chrono::seconds>(now);
  struct Due {
    std::string tenant;
    std::chrono::sys_seconds last;
    std::string plan;
  };
  std::vector<Due> due;
  for (const auto& tenant : *health) {
    std::optional<std::chrono::sys_seconds> last;
    if (tenant.last_backup_at) last = ParseRfc3339(*tenant.last_backup_at);
    if (BackupDue(tenant.tenant, last, now_seconds, options_.window)) {
      due.push_back({tenant.tenant, last.value_or(std::chrono::sys_seconds{}), tenant.plan});
    }
  }
  std::sort(due.begin(), due.end(), [](const Due& a, const Due& b) { return a.last < b.last; });
  int made = 0;
  for (const auto& tenant : due) {
    if (Stopping()) break;
    auto backup = CreateBackupWithRetries(backups_, tenant.tenant, "scheduled");
    if (!backup) {
      logger_.Error("scheduled backup failed", {{"tenant", tenant.tenant}, {"error", backup.error().message}});
      continue;
    }
    ++made;
    logger_.Info("scheduled backup done", {{"tenant", tenant.tenant},
                                           {"backup", backup->id},
                                           {"bytes", static_cast<long long>(backup->size.value_or(0))},
                                           {"sites", static_cast<int>(backup->copies.size())}});
    if (!backup->error.empty()) logger_.Warn("backup copies missing", {{"tenant", tenant.tenant}, {"error", backup->error}});
    auto pruned = backups_.Prune(tenant.tenant, options_.retention.For(tenant.plan), now);
    if (!pruned) {
      logger_.Warn("backup pruning failed", {{"tenant", tenant.tenant}, {"error", pruned.error().message}});
    } else if (!pruned->empty()) {
      logger_.Info("backups pruned", {{"tenant", tenant.tenant}, {"count", static_cast<int>(pruned->size())}});
    }
  }
  // Restore-verification: the newest backup of each tenant, once a day.
  for (const auto& tenant : *health) {
    if (Stopping()) break;
    auto backups = backups_.List(tenant.tenant);
    if (!backups) continue;
    auto newest = std::find_if(backups->begin(), backups->end(), [](const BackupRow& row) { return row.state == "complete"; });
    if (newest == backups->end()) continue;
    std::optional<std::chrono::sys_seconds> verified;
    if (newest->verified_at) verified = ParseRfc3339(*newest->verified_at);
    if (verified && now_seconds - *verified < options_.verify_every) continue;
    if (!newest->verify_error.empty()) continue;  // a failed verification waits for the next backup
    auto outcome = backups_.Verify(newest->id);
    if (!outcome) {
      logger_.Error("backup verification failed", {{"tenant", tenant.tenant}, {"backup", newest->id},
                                                   {"error", outcome.error().message}});
    } else if (!outcome->ok()) {
      logger_.Error("backup does not match its manifest", {{"tenant", tenant.tenant}, {"backup", newest->id},
                                                           {"differences", outcome->differences}});
    } else {
      logger_.Info("backup verified", {{"tenant", tenant.tenant}, {"backup", newest->id}});
    }
  }
  return made;
}

}  // namespace citadel::platform
