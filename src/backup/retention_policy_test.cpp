#include "backup/retention_policy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace citadel::backup {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr int kSimulatedDays = 200;

std::int64_t DayOf(sys_seconds time) {
  return std::chrono::floor<days>(time).time_since_epoch().count();
}

bool IsMonday(std::int64_t day) {
  return std::chrono::weekday(sys_days(days(day))) == std::chrono::Monday;
}

// "2025-06-15"; g++ 12 has no std::format.
std::string DateName(sys_days day) {
  const std::chrono::year_month_day date(day);
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::ranges::find(ids, id) != ids.end();
}

// ---------------------------------------------------------------------------
// The simulation: a tenant's daily backup job driven by a FakeClock, where
// each prune really deletes, so every decision sees only what the previous
// prunes left plus the backups taken since.

struct SimulatedDay {
  bool scheduled_runs = true;
  int scheduled_minute = 0;          // of the day (UTC); varies day to day
  std::optional<int> manual_minute;  // an operator's extra backup that day
};

// One backup a day, at a time that wanders over the whole day. Minutes stop
// short of midnight so that a prune three minutes later is the same day.
std::vector<SimulatedDay> DailySchedule(int day_count) {
  std::vector<SimulatedDay> schedule(day_count);
  for (int day = 0; day < day_count; ++day)
    schedule[day].scheduled_minute = (day * 317 + 95) % 1430;
  return schedule;
}

// A deterministic fifth of the days missed (mt19937's output is fixed by
// the standard), and a five-day outage from `outage_start`, with the days
// around it run so that the longest run of missed days is known.
void MissDays(std::vector<SimulatedDay>& schedule, int outage_start) {
  std::mt19937 random(20240611);
  for (std::size_t day = 1; day < schedule.size(); ++day) {
    schedule[day].scheduled_runs = random() % 5 != 0;
  }
  for (int day = outage_start; day < outage_start + 5; ++day) schedule[day].scheduled_runs = false;
  schedule[outage_start - 1].scheduled_runs = true;
  schedule[outage_start + 5].scheduled_runs = true;
}

// Every eleventh day an operator takes an extra backup half a day away from
// the scheduled one: sometimes before it, sometimes after.
void AddManualBackups(std::vector<SimulatedDay>& schedule) {
  for (std::size_t day = 3; day < schedule.size(); day += 11) {
    schedule[day].manual_minute = (schedule[day].scheduled_minute + 720) % 1430;
  }
}

struct PruneReport {
  std::int64_t today = 0;
  std::int64_t first_day = 0;    // of the tenant's first backup
  std::int64_t longest_gap = 0;  // consecutive days without a backup, so far
  sys_seconds now;
  std::vector<BackupPoint> kept;  // oldest first
};

class RetentionSimulation {
 public:
  explicit RetentionSimulation(RetentionPolicy policy) : policy_(policy) {
    // Start at the FakeClock's first midnight, a fixed date.
    const sys_seconds start = Now();
    clock_.Advance(std::chrono::ceil<days>(start) - start);
  }

  // Runs the schedule, pruning after each backup (or, on a day the backup
  // failed, once at its scheduled time) and checking (a) to (f) each time.
  // Stops at the first day with a failure, so one bug reports once.
  std::vector<PruneReport> Run(const std::vector<SimulatedDay>& schedule) {
    const sys_seconds first_midnight = Now();
    for (std::size_t index = 0; index < schedule.size(); ++index) {
      const SimulatedDay& day = schedule[index];
      const sys_seconds midnight = first_midnight + days(index);
      std::vector<int> backup_minutes;
      if (day.scheduled_runs) backup_minutes.push_back(day.scheduled_minute);
      if (day.manual_minute) backup_minutes.push_back(*day.manual_minute);
      std::ranges::sort(backup_minutes);
      for (int minute : backup_minutes) {
        AdvanceTo(midnight + minutes(minute));
        TakeBackup();
        AdvanceTo(midnight + minutes(minute + 3));
        Prune();
      }
      if (backup_minutes.empty()) {
        AdvanceTo(midnight + minutes(day.scheduled_minute));
        Prune();
      }
      if (::testing::Test::HasFailure()) {
        ADD_FAILURE() << "stopped on simulated day " << index;
        break;
      }
    }
    return reports_;
  }

 private:
  sys_seconds Now() const { return sys_seconds(seconds(clock_.UnixSeconds())); }
  void AdvanceTo(sys_seconds time) { clock_.Advance(time - Now()); }

  void TakeBackup() {
    BackupPoint backup{"backup-" + std::to_string(next_id_++), Now()};
    on_sites_.push_back(backup);
    ever_taken_.push_back(backup);
    days_with_backup_.insert(DayOf(backup.taken_at));
  }

  void Prune() {
    if (ever_taken_.empty()) return;
    const sys_seconds now = Now();
    const std::vector<std::string> keep = BackupsToKeep(on_sites_, now, policy_);
    EXPECT_EQ(keep, BackupsToKeep(ever_taken_, now, policy_))
        << "(f) a backup pruned earlier would be needed now";
    std::vector<BackupPoint> kept;
    for (const std::string& id : keep) {
      const auto it = std::ranges::find(on_sites_, id, &BackupPoint::id);
      if (it == on_sites_.end()) {
        ADD_FAILURE() << "kept " << id << ", which is not on the sites";
        continue;
      }
      kept.push_back(*it);
    }
    on_sites_ = kept;
    reports_.push_back(
        PruneReport{DayOf(now), *days_with_backup_.begin(), LongestGap(DayOf(now)), now, kept});
    CheckInvariants(reports_.back());
  }

  std::int64_t LongestGap(std::int64_t today) const {
    std::int64_t longest = 0;
    std::int64_t run = 0;
    for (std::int64_t day = *days_with_backup_.begin(); day <= today; ++day) {
      run = days_with_backup_.contains(day) ? 0 : run + 1;
      longest = std::max(longest, run);
    }
    return longest;
  }

  void CheckInvariants(const PruneReport& report) const {
    const std::vector<BackupPoint>& kept = report.kept;
    ASSERT_FALSE(kept.empty());
    std::set<std::int64_t> kept_days;
    for (const BackupPoint& backup : kept) kept_days.insert(DayOf(backup.taken_at));

    EXPECT_LE(static_cast<int>(kept.size()), MaxKept(policy_)) << "(a) too many kept";
    EXPECT_EQ(kept_days.size(), kept.size()) << "(a) two kept from one day";

    EXPECT_EQ(kept.back().id, ever_taken_.back().id) << "(b) the newest was pruned";

    for (std::int64_t day = report.today - policy_.daily + 1; day <= report.today; ++day) {
      if (days_with_backup_.contains(day)) {
        EXPECT_TRUE(kept_days.contains(day)) << "(c) nothing kept of day " << day;
      }
    }

    const int reach = MinimumRetentionDays(policy_);
    const std::int64_t oldest_day = DayOf(kept.front().taken_at);
    if (report.today - report.first_day <= reach) {
      EXPECT_EQ(oldest_day, report.first_day) << "(d) a young tenant lost its first day";
    } else {
      EXPECT_GE(report.today - oldest_day, reach - report.longest_gap) << "(d) reach";
      EXPECT_GT(report.now - kept.front().taken_at, days(reach - report.longest_gap - 1))
          << "(d) reach in elapsed time";
    }

    const int weekly_reach = MinimumRetentionDays({policy_.daily, policy_.weekly, 0});
    for (std::size_t i = 0; i + 1 < kept.size(); ++i) {
      const std::int64_t older = DayOf(kept[i].taken_at);
      const std::int64_t apart = DayOf(kept[i + 1].taken_at) - older;
      EXPECT_LE(apart, 28 + report.longest_gap) << "(e) a month-sized hole at day " << older;
      if (report.today - older <= weekly_reach) {
        EXPECT_LE(apart, 7 + report.longest_gap) << "(e) a week-sized hole at day " << older;
      }
    }
  }

  RetentionPolicy policy_;
  core::FakeClock clock_;
  std::vector<BackupPoint> on_sites_;    // what the last prune left, plus newer backups
  std::vector<BackupPoint> ever_taken_;  // for (f): the decision without any prune
  std::set<std::int64_t> days_with_backup_;
  std::vector<PruneReport> reports_;
  int next_id_ = 0;
};

// The first simulated day (at or after `from`) that starts a 28-day month:
// an outage there delays the survivor of the oldest monthly bucket, which
// is the worst case for (d).
int FirstDayOfAMonthFrom(int from) {
  core::FakeClock clock;
  const std::int64_t first_day =
      DayOf(std::chrono::ceil<days>(sys_seconds(seconds(clock.UnixSeconds()))));
  int day = from;
  while ((first_day + day + 3) % 28 != 0) ++day;  // months start on Monday 1969-12-29
  return day;
}

std::vector<std::int64_t> KeptDays(const PruneReport& report) {
  std::vector<std::int64_t> kept_days;
  for (const BackupPoint& backup : report.kept) kept_days.push_back(DayOf(backup.taken_at));
  return kept_days;
}

TEST(RetentionSimulation, NoMissedDayKeepsSevenDaysFourMondaysAndThreeMonthStarts) {
  const std::vector<PruneReport> reports =
      RetentionSimulation({}).Run(DailySchedule(kSimulatedDays));
  ASSERT_EQ(reports.size(), static_cast<std::size_t>(kSimulatedDays));
  int steady_days = 0;
  for (const PruneReport& report : reports) {
    if (report.today - report.first_day > MinimumRetentionDays({})) {
      EXPECT_GT(report.now - report.kept.front().taken_at, days(90)) << "day " << report.today;
    }
    if (report.today - report.first_day < 6 + 28 + 84) continue;  // see (e) in the header
    ++steady_days;
    const std::vector<std::int64_t> kept = KeptDays(report);
    ASSERT_EQ(kept.size(), 14u) << "day " << report.today;
    for (int i = 0; i < 7; ++i) EXPECT_EQ(kept[7 + i], report.today - 6 + i);
    for (int i = 0; i < 7; ++i) EXPECT_TRUE(IsMonday(kept[i])) << kept[i];
    EXPECT_EQ(kept[1] - kept[0], 28);
    EXPECT_EQ(kept[2] - kept[1], 28);
    EXPECT_TRUE(kept[3] - kept[2] == 7 || kept[3] - kept[2] == 14 || kept[3] - kept[2] == 21 ||
                kept[3] - kept[2] == 28);
    EXPECT_EQ(kept[4] - kept[3], 7);
    EXPECT_EQ(kept[5] - kept[4], 7);
    EXPECT_EQ(kept[6] - kept[5], 7);
    EXPECT_LE(kept[7] - kept[6], 7);
  }
  EXPECT_EQ(steady_days, kSimulatedDays - 118);
}

TEST(RetentionSimulation, MissedDaysStillKeepABackupOlderThan84Days) {
  std::vector<SimulatedDay> schedule = DailySchedule(kSimulatedDays);
  MissDays(schedule, FirstDayOfAMonthFrom(80));
  const std::vector<PruneReport> reports = RetentionSimulation({}).Run(schedule);
  ASSERT_FALSE(reports.empty());
  ASSERT_GE(reports.back().longest_gap, 5);
  ASSERT_LE(reports.back().longest_gap, 6) << "the guarantee below needs at most 6 missed in a row";
  int old_enough_days = 0;
  for (const PruneReport& report : reports) {
    if (report.today - report.first_day <= MinimumRetentionDays({})) continue;
    ++old_enough_days;
    EXPECT_GT(report.now - report.kept.front().taken_at, days(84)) << "day " << report.today;
  }
  EXPECT_GT(old_enough_days, 100);
}

TEST(RetentionSimulation, AManualBackupReplacesItsDaysScheduledOne) {
  std::vector<SimulatedDay> schedule = DailySchedule(kSimulatedDays);
  MissDays(schedule, 120);
  AddManualBackups(schedule);
  const std::vector<PruneReport> reports = RetentionSimulation({}).Run(schedule);
  ASSERT_FALSE(reports.empty());
  // (a) checks that no day keeps two; here, that the later one is the one kept.
  const PruneReport& last = reports.back();
  for (std::size_t day = 3; day < schedule.size(); day += 11) {
    const std::int64_t absolute_day = last.first_day + static_cast<std::int64_t>(day);
    for (const BackupPoint& backup : last.kept) {
      if (DayOf(backup.taken_at) != absolute_day || !schedule[day].scheduled_runs) continue;
      const int latest = std::max(schedule[day].scheduled_minute, *schedule[day].manual_minute);
      EXPECT_EQ(backup.taken_at, sys_days(days(absolute_day)) + minutes(latest));
    }
  }
}

TEST(RetentionSimulation, ATenantYoungerThan84DaysKeepsItsFirstBackup) {
  std::vector<SimulatedDay> schedule = DailySchedule(84);
  MissDays(schedule, 40);
  const std::vector<PruneReport> reports = RetentionSimulation({}).Run(schedule);
  ASSERT_FALSE(reports.empty());
  for (const PruneReport& report : reports) {
    EXPECT_EQ(report.kept.front().id, "backup-0") << "day " << report.today;
  }
  // Within its first week nothing at all is pruned.
  for (const PruneReport& report : reports) {
    if (report.today - report.first_day >= 7) break;
    EXPECT_EQ(report.kept.back().id, "backup-" + std::to_string(report.kept.size() - 1));
  }
}

TEST(RetentionSimulation, ANonDefaultPlanKeepsItsOwnInvariants) {
  const RetentionPolicy policy{3, 2, 12};
  std::vector<SimulatedDay> schedule = DailySchedule(kSimulatedDays);
  MissDays(schedule, 60);
  AddManualBackups(schedule);
  const std::vector<PruneReport> reports = RetentionSimulation(policy).Run(schedule);
  ASSERT_FALSE(reports.empty());
  // 200 days is younger than this plan's reach: a month start is kept for
  // each 28-day month the tenant has lived, and its very first backup.
  EXPECT_EQ(reports.back().kept.front().id, "backup-0");
  EXPECT_GE(reports.back().kept.size(), 3u + 2u + 6u);
}

TEST(RetentionSimulation, APlanWithoutWeeklyBackupsKeepsItsInvariants) {
  std::vector<SimulatedDay> schedule = DailySchedule(kSimulatedDays);
  MissDays(schedule, FirstDayOfAMonthFrom(80));
  AddManualBackups(schedule);
  RetentionSimulation({7, 0, 3}).Run(schedule);
}

// ---------------------------------------------------------------------------
// Small cases.

constexpr sys_seconds kNoon = sys_days(std::chrono::year(2025) / 6 / 15) + hours(12);  // a Sunday

BackupPoint Point(std::string id, sys_seconds taken_at) { return {std::move(id), taken_at}; }

TEST(RetentionPolicy, DefaultPlanKeepsFourteenAndReaches91Days) {
  EXPECT_EQ(MaxKept({}), 14);
  EXPECT_EQ(MinimumRetentionDays({}), 91);
  EXPECT_EQ(MinimumRetentionDays({3, 2, 12}), 2 + (1 + 7) + (7 + 28 * 11));
  EXPECT_EQ(MinimumRetentionDays({7, 0, 3}), 6 + (1 + 28 * 2));
  EXPECT_EQ(MinimumRetentionDays({7, 4, 0}), 6 + (1 + 7 * 3));
  EXPECT_EQ(MinimumRetentionDays({1, 0, 0}), 0);
}

TEST(RetentionPolicy, ValidationNamesTheBoundBroken) {
  EXPECT_TRUE(ValidateRetentionPolicy({}).has_value());
  EXPECT_TRUE(ValidateRetentionPolicy({1, 0, 0}).has_value());
  EXPECT_TRUE(ValidateRetentionPolicy({60, 52, 120}).has_value());
  const struct {
    RetentionPolicy policy;
    const char* message = nullptr;
  } cases[] = {
      {{0, 4, 3}, "retention: daily must be between 1 and 60, not 0"},
      {{61, 4, 3}, "retention: daily must be between 1 and 60, not 61"},
      {{7, -1, 3}, "retention: weekly must be between 0 and 52, not -1"},
      {{7, 53, 3}, "retention: weekly must be between 0 and 52, not 53"},
      {{7, 4, -1}, "retention: monthly must be between 0 and 120, not -1"},
      {{7, 4, 121}, "retention: monthly must be between 0 and 120, not 121"},
  };
  for (const auto& c : cases) {
    const auto result = ValidateRetentionPolicy(c.policy);
    ASSERT_FALSE(result.has_value()) << c.message;
    EXPECT_EQ(result.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_EQ(result.error().message, c.message);
  }
}

TEST(BackupsToKeep, NothingToKeepOfNothing) { EXPECT_TRUE(BackupsToKeep({}, kNoon, {}).empty()); }

TEST(BackupsToKeep, ALoneBackupIsKeptHoweverOld) {
  const std::vector<BackupPoint> backups = {Point("ancient", kNoon - days(3 * 365))};
  EXPECT_EQ(BackupsToKeep(backups, kNoon, {}), std::vector<std::string>{"ancient"});
}

TEST(BackupsToKeep, AWorkedExample) {
  // A backup at 02:00 every day since 2025-01-01. 28-day months start on
  // Mondays 1969-12-29 + 28k: 2025-03-10, 2025-04-07 and 2025-05-05.
  std::vector<BackupPoint> backups;
  for (sys_days day = sys_days(std::chrono::year(2025) / 1 / 1);
       day <= sys_days(std::chrono::year(2025) / 6 / 15); day += days(1)) {
    backups.push_back(Point(DateName(day), day + hours(2)));
  }
  EXPECT_EQ(
      BackupsToKeep(backups, kNoon, {}),
      (std::vector<std::string>{"2025-03-10", "2025-04-07", "2025-05-05",                // months
                                "2025-05-12", "2025-05-19", "2025-05-26", "2025-06-02",  // weeks
                                "2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12",
                                "2025-06-13", "2025-06-14", "2025-06-15"}));
}

TEST(BackupsToKeep, InputOrderDoesNotMatter) {
  // Ties included: two backups at the same second are told apart by id.
  std::vector<BackupPoint> backups;
  backups.reserve(62);
  for (int i = 0; i < 60; ++i) {
    backups.push_back(
        Point("b" + std::to_string(i), kNoon - hours(i * 37 % 1500) - minutes(i % 3)));
  }
  backups.push_back(Point("tie-a", kNoon - days(40)));
  backups.push_back(Point("tie-b", kNoon - days(40)));
  const std::vector<std::string> expected = BackupsToKeep(backups, kNoon, {});
  EXPECT_FALSE(Contains(expected, "tie-a"));
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    std::ranges::shuffle(backups, random);
    ASSERT_EQ(BackupsToKeep(backups, kNoon, {}), expected);
  }
  // And every order of a small set.
  std::vector<BackupPoint> small = {
      Point("a", kNoon - days(1)), Point("b", kNoon - days(1)), Point("c", kNoon - days(9)),
      Point("d", kNoon - days(9) + hours(1)), Point("e", kNoon - days(90))};
  std::ranges::sort(small, {}, &BackupPoint::id);
  const std::vector<std::string> small_expected = BackupsToKeep(small, kNoon, {});
  EXPECT_EQ(small_expected, (std::vector<std::string>{"e", "d", "b"}));
  do {
    ASSERT_EQ(BackupsToKeep(small, kNoon, {}), small_expected);
  } while (std::ranges::next_permutation(small, {}, &BackupPoint::id).found);
}

TEST(BackupsToKeep, WeeksStartOnMondayBeforeTheEpochToo) {
  // 1969-12-15 to 1970-01-04 (a Sunday); negative day numbers round down.
  std::vector<BackupPoint> backups;
  for (sys_days day = sys_days(std::chrono::year(1969) / 12 / 15);
       day <= sys_days(std::chrono::year(1970) / 1 / 4); day += days(1)) {
    backups.push_back(Point(DateName(day), day + hours(1)));
  }
  const sys_seconds now = sys_days(std::chrono::year(1970) / 1 / 4) + hours(23);
  EXPECT_EQ(BackupsToKeep(backups, now, {1, 2, 0}),
            (std::vector<std::string>{"1969-12-22", "1969-12-29", "1970-01-04"}));
}

TEST(BackupsToKeep, ABackupDatedAfterTodayTakesADailySlotAndMovesNoWindow) {
  std::vector<BackupPoint> backups;
  backups.reserve(202);
  for (int day = 0; day < 200; ++day) {
    backups.push_back(Point("d" + std::to_string(day), kNoon - days(day)));
  }
  backups.push_back(Point("from-a-wrong-clock", kNoon + days(3000)));
  backups.push_back(Point("also-wrong", kNoon + days(2000)));
  // The windows stayed on `now` (2025-06-15, "d0"), the daily one one day
  // shorter; the monthly tier still reaches back to 2025-03-10.
  EXPECT_EQ(BackupsToKeep(backups, kNoon, {}),
            (std::vector<std::string>{"d97", "d69", "d41",        // 03-10, 04-07, 05-05
                                      "d27", "d20", "d13", "d6",  // Mondays 05-19 to 06-09
                                      "d5", "d4", "d3", "d2", "d1", "d0", "from-a-wrong-clock"}));
}

}  // namespace
}  // namespace citadel::backup
