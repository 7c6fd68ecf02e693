#include "platform/backup_schedule.hpp"

namespace citadel::platform {
namespace {

// FNV-1a: stable across builds and machines (std::hash is not), so a
// tenant's slot does not move when the server is upgraded.
std::uint64_t StableHash(const std::string& text) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

core::Result<void> ValidateBackupWindow(const BackupWindow& window) {
  if (window.start_hour_utc < 0 || window.start_hour_utc > 23 || window.hours < 1 || window.hours > 24) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "the backup window starts at an hour 0..23 (UTC) and lasts 1..24 hours");
  }
  return {};
}

std::chrono::sys_seconds LatestSlot(const std::string& tenant, std::chrono::sys_seconds now,
                                    const BackupWindow& window) {
  using namespace std::chrono;
  auto window_seconds = static_cast<std::uint64_t>(window.hours) * 3600;
  seconds offset = hours(window.start_hour_utc) + seconds(StableHash(tenant) % window_seconds);
  sys_seconds today = floor<days>(now);
  sys_seconds slot = today + offset;
  // The offset can pass midnight (a window from 22:00 for 4 hours): walk
  // back a day at a time until the slot is not in the future.
  while (slot > now) slot -= days(1);
  return slot;
}

bool BackupDue(const std::string& tenant, std::optional<std::chrono::sys_seconds> last_backup,
               std::chrono::sys_seconds now, const BackupWindow& window) {
  if (!last_backup) return true;
  return *last_backup < LatestSlot(tenant, now, window);
}

}  // namespace citadel::platform
