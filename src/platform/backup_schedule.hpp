// When a tenant's daily backup is due. Every tenant has a slot each day in
// the operator's backup window (UTC), spread over the window by a hash of
// its name so that thousands of tenants do not start at once. A backup is
// due once the latest slot has passed and no complete backup started since:
// a server that was down during a slot catches up at once when it starts.
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace citadel::platform {

struct BackupWindow {
  int start_hour_utc = 1;  // 0..23
  int hours = 4;           // 1..24: slots spread over [start, start + hours)
};

core::Result<void> ValidateBackupWindow(const BackupWindow& window);

// The latest slot of `tenant` at or before `now`.
std::chrono::sys_seconds LatestSlot(const std::string& tenant, std::chrono::sys_seconds now,
                                    const BackupWindow& window);

bool BackupDue(const std::string& tenant, std::optional<std::chrono::sys_seconds> last_backup,
               std::chrono::sys_seconds now, const BackupWindow& window);

}  // namespace citadel::platform
