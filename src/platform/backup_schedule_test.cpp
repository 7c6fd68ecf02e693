#include "platform/backup_schedule.hpp"

#include <gtest/gtest.h>

#include <set>

namespace citadel::platform {
namespace {

using namespace std::chrono;

sys_seconds At(int day, int hour, int minute = 0) {
  return sys_days(year(2026) / December / 1) + days(day) + hours(hour) + minutes(minute);
}

TEST(BackupSchedule, EachTenantHasOneSlotADayInsideTheWindow) {
  BackupWindow window{1, 4};
  std::set<long> offsets;
  for (int i = 0; i < 200; ++i) {
    std::string tenant = "tenant-" + std::to_string(i);
    sys_seconds slot = LatestSlot(tenant, At(5, 12), window);
    EXPECT_EQ(floor<days>(slot), floor<days>(At(5, 12)));
    EXPECT_GE(slot, At(5, 1));
    EXPECT_LT(slot, At(5, 5));
    EXPECT_EQ(LatestSlot(tenant, At(9, 12), window) - slot, days(4));  // the same time every day
    offsets.insert(static_cast<long>((slot - At(5, 0)).count()));
  }
  EXPECT_GT(offsets.size(), 150u);  // spread, not all at once
}

TEST(BackupSchedule, DueAfterTheSlotUntilABackupStartsAndCaughtUpAfterDowntime) {
  BackupWindow window{1, 4};
  std::string tenant = "acme";
  sys_seconds slot = LatestSlot(tenant, At(5, 12), window);
  EXPECT_TRUE(BackupDue(tenant, std::nullopt, At(5, 0, 1), window));  // never backed up: now
  EXPECT_FALSE(BackupDue(tenant, slot - hours(20), slot - seconds(1), window));  // yesterday's is fine before today's slot
  EXPECT_TRUE(BackupDue(tenant, slot - hours(20), slot, window));
  EXPECT_FALSE(BackupDue(tenant, slot + seconds(30), slot + hours(3), window));
  // Down for two days: due at once when back, once.
  EXPECT_TRUE(BackupDue(tenant, slot - days(2), slot + days(1) + hours(8), window));
  EXPECT_FALSE(BackupDue(tenant, slot + days(1) + hours(8), slot + days(1) + hours(9), window));
}

TEST(BackupSchedule, AWindowAcrossMidnightWorks) {
  BackupWindow window{22, 4};
  for (int i = 0; i < 50; ++i) {
    std::string tenant = "t" + std::to_string(i);
    sys_seconds now = At(3, 12);
    sys_seconds slot = LatestSlot(tenant, now, window);
    EXPECT_LE(slot, now);
    EXPECT_GT(slot, now - days(1));
    auto hour = duration_cast<hours>(slot - floor<days>(slot)).count();
    EXPECT_TRUE(hour >= 22 || hour < 2) << hour;
  }
  EXPECT_FALSE(ValidateBackupWindow({24, 1}));
  EXPECT_FALSE(ValidateBackupWindow({1, 0}));
  EXPECT_TRUE(ValidateBackupWindow({0, 24}));
}

}  // namespace
}  // namespace citadel::platform
