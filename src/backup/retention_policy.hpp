// Grandfather-father-son retention: which of a tenant's backups to keep.
// Every backup not kept is pruned from every site. The decision is a pure
// function of the set of backups (not their order), `now` and the policy,
// all in UTC: no I/O, no clock, no state, safe to call from any thread.
//
// Buckets. Time is cut into days, weeks and "months" of exactly 28 days
// (four weeks), all counted from one fixed epoch, Monday 1969-12-29. Weeks
// are therefore ISO weeks, and a bucket never moves as `now` does: every
// day lies in one week and every week in one month. A bucket's survivor is
// the newest backup of the bucket's oldest day that has a backup. That is
// "buckets keep their oldest backup" at the grain of a day. A bucket's
// survivor is settled once its first day with a backup is over. A second
// backup on the same day (a manual one) replaces the first one instead of
// taking a slot of its own.
//
// Windows. The daily tier keeps the survivors of the `daily` days ending
// today. The weekly tier keeps the survivors of `weekly` weeks, the newest
// being the week that holds the day just before the daily window. The
// monthly tier keeps `monthly` months the same way, starting where the weekly
// tier ends (or the daily tier, when weekly is 0). The tiers are laid end to
// end: together they cover every day from the oldest monthly bucket to today
// with no hole. Each tier spends its slots on its own buckets, so at most
// daily + weekly + monthly backups are kept. The newest backup overall is
// always kept, and it uses no extra slot: when its day is in the daily window
// it is that day's survivor, and when it is older than the window the window
// is empty.
//
// Why 28-day months and not calendar months. The oldest backup of a month
// must still be there when its month enters the monthly window. Before that
// point it was kept only as the survivor of its week, which works only when
// the month's first day is also a week's first day. Calendar months (28 to
// 31 days) cut weeks in two, so a month's first backup would be pruned while
// its week kept the previous month's. Its survivor would then drift up to 6
// days later, and the reach below would vary with the month.
//
// Why a pruned backup is never needed again. Assume backups arrive in time
// order (each new one is no older than those already kept), which holds when
// one clock stamps them. Windows only move forward. A bucket newer than its
// tier's window lies inside the finer tiers' windows, and by nesting its
// survivor is also the survivor of its first day and of its first week. So
// a survivor is kept from the day it is taken until its bucket leaves the
// last window that holds it, and after that no window holds it again.
// Running the decision on what the previous prunes left gives the same
// answer as running it on every backup ever taken.
//
// Guarantees, for a validated policy and backups in time order, with
// G = the longest run of consecutive days without a backup since the first
// one, and R = MinimumRetentionDays(policy) (91 days for 7/4/3):
//  (a) at most MaxKept(policy) backups are kept, and never two of one day;
//  (b) the newest backup is kept;
//  (c) each of the last `daily` days (today included) that has a backup
//      keeps one of them;
//  (d) while the first backup is at most R days old, a backup of its first
//      day is kept. Once the first backup is older than that, the oldest kept
//      backup is from a day at least R - G days before today, so it is more
//      than R - G - 1 days old. For 7/4/3 that is more than 84 days (the
//      seeds' "at least 3 months") as long as no more than 6 days in a row are
//      missed, and more than 90 days when none are;
//  (e) kept backups within MinimumRetentionDays({daily, weekly, 0}) days of
//      today (the weekly reach, 28 days for 7/4/3) are at most 7 + G days
//      apart, and all kept backups are at most 28 + G days apart. With no
//      missed day, the weekly survivors are Mondays exactly 7 days apart, the
//      monthly ones are exactly 28 days apart, and once the first backup is
//      daily - 1 + 7 * weekly + 28 * monthly days old (118 for 7/4/3),
//      exactly MaxKept backups are kept;
//  (f) see above: nothing pruned is ever needed again.
//
// Clock skew. A backup dated after today stays out of every window: the
// windows stay anchored on `now`, so a host with a wrong clock cannot push
// them forward and prune everything real. The newest backup is still kept
// even if it is dated after today; then it takes one of the daily slots.
// Any other backup dated after today is pruned. (c) to (f) assume no such
// backup exists.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace citadel::backup {

// Per tenant plan: how many days, weeks and 28-day months keep a backup.
struct RetentionPolicy {
  int daily = 7;
  int weekly = 4;
  int monthly = 3;
};

// The policy itself, or kInvalidArgument naming the bound broken: daily
// 1..60 (so the newest backup always has a slot), weekly 0..52,
// monthly 0..120.
core::Result<RetentionPolicy> ValidateRetentionPolicy(RetentionPolicy policy);

// The most backups a tenant keeps under `policy` (14 for 7/4/3).
int MaxKept(const RetentionPolicy& policy);

// R in (d): how far back the kept backups are sure to reach, in days:
// daily - 1, plus for the weekly tier (if any) 1 + 7 * (weekly - 1), plus
// for the monthly tier (if any) 7 (1 when weekly is 0) + 28 * (monthly - 1).
// Each tier's newest bucket always holds at least one whole bucket of the
// tier before it (a day, or a week), which is where each tier's 1 or 7 comes
// from.
int MinimumRetentionDays(const RetentionPolicy& policy);

struct BackupPoint {
  std::string id;  // unique among a tenant's backups, e.g. the catalog key
  std::chrono::sys_seconds taken_at;
};

// The ids to keep, oldest first; every other backup is pruned. Equal
// `taken_at` values are ordered by id, so the answer does not depend on the
// order of `backups`. `policy` must have passed ValidateRetentionPolicy.
std::vector<std::string> BackupsToKeep(std::span<const BackupPoint> backups,
                                       std::chrono::sys_seconds now, const RetentionPolicy& policy);

}  // namespace citadel::backup
