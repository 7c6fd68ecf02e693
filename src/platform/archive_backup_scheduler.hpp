// ArchiveBackupScheduler: `citadel cluster run`'s pgBackRest duties, on a
// thread of its own so the supervisor keeps tending its children meanwhile.
//
//   - once the cluster has a leader: `stanza-create` (idempotent: it creates
//     the stanza in a repository that lacks it, and checks the others), so
//     archive_command's pushes succeed from then on; with its locks apart from
//     archive-push's, so the two never stall each other (StanzaCreateOptions),
//     and not while pgBackRest is stopped (`pgbackrest stop`);
//   - then, every minute, per repository: a full backup if there is none or
//     the newest full is older than [cluster] backup_full_days, else an
//     incremental one if the newest backup is older than
//     backup_incremental_hours (unless [cluster] scheduled_backups = false). pgBackRest's retention (repo-retention-full)
//     expires old ones, with their WAL.
//
// A failed run is logged and tried again on the next minute. Ownership: owns
// its thread; the destructor stops it (a backup in progress is waited for,
// bounded by its timeout). Not copyable; constructed and destroyed on one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/config.hpp"
#include "core/logger.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

class ArchiveBackupScheduler {
 public:
  ArchiveBackupScheduler(core::ClusterConfig config, ClusterTopology topology,
                         db::ServiceUser user, core::Logger& logger = core::Log());
  ~ArchiveBackupScheduler();
  ArchiveBackupScheduler(const ArchiveBackupScheduler&) = delete;
  ArchiveBackupScheduler& operator=(const ArchiveBackupScheduler&) = delete;

 private:
  void Run();
  bool WaitOrStop(std::chrono::seconds delay);  // true: stop asked
  bool CreateStanza();
  void BackUpWhenDue();

  const core::ClusterConfig config_;
  const ClusterTopology topology_;
  const db::ServiceUser user_;
  core::Logger& logger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool stop_reported_ = false;  // the scheduler thread's: a stop file seen and logged
  std::thread thread_;
};

}  // namespace citadel::platform
