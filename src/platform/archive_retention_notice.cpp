#include "platform/archive_retention_notice.hpp"

#include <filesystem>
#include <string>

#include "platform/cluster_topology.hpp"
#include "platform/pgbackrest_config.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {

ArchiveRetentionNotice ArchiveRetentionAfterDrop(const core::ClusterConfig& cluster, const std::string& data_dir,
                                                 std::chrono::system_clock::time_point dropped_at) {
  ArchiveRetentionNotice notice;
  const ClusterTopology topology = MakeClusterTopology(cluster, data_dir);
  std::error_code error;
  notice.archive_configured = std::filesystem::exists(topology.PgBackRestConfigPath(), error);
  if (!notice.archive_configured) {
    notice.message = "No cluster-level archive (pgBackRest) is configured in this data directory, so no other "
                     "copy of its data remains.";
    return notice;
  }
  const std::string fulls = std::to_string(kArchiveRetentionFull);
  const std::string what =
      "The cluster's pgBackRest archive (" + topology.pgbackrest_dir +
      ") still holds its database: in every backup taken before now and in the WAL archived since, encrypted "
      "under the archive's own keys, not the tenant's. pgBackRest deletes them once each repository holds " +
      fulls + " full backups taken after this drop";
  if (!cluster.scheduled_backups) {
    notice.message = what + "; `cluster run` does not schedule them here ([cluster] scheduled_backups = false), so "
                            "that is when your own schedule has taken " + fulls + " more full backups.";
    return notice;
  }
  const auto held = dropped_at + std::chrono::days(kArchiveRetentionFull * cluster.backup_full_days);
  notice.held_until = held;
  notice.message = what + ": with a full backup every " + std::to_string(cluster.backup_full_days) +
                   " days ([cluster] backup_full_days), by " + Rfc3339(held) + " at the latest.";
  return notice;
}

}  // namespace citadel::platform
