// The backups' lines on /metrics, from the scheduler's last snapshot (never
// a query on the metrics path): per tenant, the age of the newest
// restore-verified backup and how many sites hold it; the placement policy
// and whether the sites meet it (a lowered policy shows as such).
#pragma once

#include "http/metrics_registry.hpp"
#include "platform/backup_scheduler.hpp"

namespace citadel::cli {

// `scheduler` must outlive the registry's last Render().
void AddBackupMetrics(http::MetricsRegistry& metrics, const platform::BackupScheduler& scheduler);

}  // namespace citadel::cli
