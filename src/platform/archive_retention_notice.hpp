// What `citadel tenant drop` says about the cluster-level copies of a dropped
// tenant's database. Crypto-shredding reaches the tenant backups (their key is
// destroyed), not pgBackRest's repositories (docs/ha.md): every full and
// incremental backup taken before the drop, and the WAL archived since, still
// hold the database until pgBackRest's retention expires them — which happens
// once kArchiveRetentionFull full backups taken after the drop exist in each
// repository. With `cluster run` taking a full backup every backup_full_days,
// that is at most kArchiveRetentionFull x backup_full_days from the drop.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/config.hpp"

namespace citadel::platform {

struct ArchiveRetentionNotice {
  bool archive_configured = false;  // pgBackRest is configured in this data directory
  // The latest day the archive may still hold the database, when `cluster
  // run` schedules the full backups; unset when the operator's cron does.
  std::optional<std::chrono::system_clock::time_point> held_until;
  std::string message;  // one paragraph, for the operator
};

// `data_dir`'s cluster has a pgBackRest archive when `cluster init --ha`
// wrote its configuration there (<data dir>/ha/pgbackrest/pgbackrest.conf).
ArchiveRetentionNotice ArchiveRetentionAfterDrop(const core::ClusterConfig& cluster, const std::string& data_dir,
                                                 std::chrono::system_clock::time_point dropped_at);

}  // namespace citadel::platform
