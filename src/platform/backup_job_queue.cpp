#include "platform/backup_job_queue.hpp"

#include <algorithm>

#include "platform/backup_copy_retry.hpp"
#include "platform/backup_restore_live.hpp"

namespace citadel::platform {

BackupJobQueue::BackupJobQueue(BackupService& backups, TenantService& tenants, core::Logger& logger,
                               std::size_t capacity)
    : backups_(backups), tenants_(tenants), logger_(logger), capacity_(capacity), thread_([this] { Run(); }) {}

BackupJobQueue::~BackupJobQueue() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    for (const auto& job : queued_) {
      logger_.Warn("queued backup job dropped: the server is stopping",
                   {{"tenant", job.tenant}, {"backup", job.backup_id}});
    }
    queued_.clear();
  }
  changed_.notify_all();
  thread_.join();
}

core::Result<void> BackupJobQueue::Submit(BackupJob job) {
  std::lock_guard lock(mutex_);
  if (stop_) return core::Fail(core::ErrorCode::kUnavailable, "The server is stopping: try again in a moment.");
  const bool busy = (running_ && running_->tenant == job.tenant) ||
                    std::any_of(queued_.begin(), queued_.end(),
                                [&](const BackupJob& queued) { return queued.tenant == job.tenant; });
  if (busy) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "A backup or restore of this database is already queued or running: wait for it to finish.");
  }
  if (queued_.size() >= capacity_) {
    return core::Fail(core::ErrorCode::kResourceExhausted, "The backup service is busy: try again later.");
  }
  queued_.push_back(std::move(job));
  changed_.notify_all();
  return {};
}

std::optional<BackupJob> BackupJobQueue::PendingFor(const std::string& tenant) const {
  std::lock_guard lock(mutex_);
  if (running_ && running_->tenant == tenant) return running_;
  for (const auto& job : queued_) {
    if (job.tenant == tenant) return job;
  }
  return std::nullopt;
}

bool BackupJobQueue::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return queued_.empty() && !running_; });
}

void BackupJobQueue::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stop_ || !queued_.empty(); });
    if (stop_) return;
    running_ = std::move(queued_.front());
    queued_.pop_front();
    const BackupJob job = *running_;
    lock.unlock();
    RunJob(job);
    lock.lock();
    running_.reset();
    changed_.notify_all();
  }
}

void BackupJobQueue::RunJob(const BackupJob& job) {
  auto fields = [&](core::LogFields more) {
    core::LogFields all = {{"tenant", job.tenant}, {"backup", job.backup_id}, {"uid", job.uid}};
    for (auto& field : more) all.push_back(std::move(field));
    return all;
  };
  if (job.kind == BackupJob::Kind::kBackup) {
    auto made = CreateBackupWithRetries(backups_, job.tenant, "manual", {}, job.backup_id);
    if (!made) {
      logger_.Error("backup asked for through the API failed", fields({{"error", made.error().message}}));
    } else {
      logger_.Info("backup asked for through the API done",
                   fields({{"bytes", static_cast<long long>(made->size.value_or(0))},
                           {"sites", static_cast<int>(made->copies.size())}}));
    }
    return;
  }
  if (job.kind == BackupJob::Kind::kRestoreBeside) {
    auto made = backups_.RestoreBeside(job.backup_id, job.new_name);
    if (!made) {
      logger_.Error("restore beside asked for through the API failed", fields({{"error", made.error().message}}));
    } else {
      logger_.Info("restore beside asked for through the API done", fields({{"new_tenant", made->name}}));
    }
    return;
  }
  auto restored = RestoreOntoLive(backups_, tenants_, job.tenant, job.backup_id);
  if (!restored) {
    logger_.Error("restore onto live asked for through the API failed",
                  fields({{"error", restored.error().message}}));
  } else {
    logger_.Info("restore onto live asked for through the API done",
                 fields({{"safety_backup", restored->safety_backup_id},
                         {"unavailable_ms", static_cast<long long>(restored->unavailable.count())}}));
  }
}

}  // namespace citadel::platform
