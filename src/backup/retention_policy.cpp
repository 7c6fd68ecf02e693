#include "backup/retention_policy.hpp"

#include <algorithm>
#include <cstdint>
#include <map>

namespace citadel::backup {
namespace {

// Day 0 (1970-01-01) was a Thursday. Shifting by 3 days makes every bucket
// start on a Monday, so that days, weeks and 28-day months nest.
constexpr std::int64_t kMondayShift = 3;
constexpr std::int64_t kDaysPerWeek = 7;
constexpr std::int64_t kDaysPerMonth = 28;  // four whole weeks; see the header

struct Tier {
  std::int64_t bucket_days;
  int buckets;
};

std::int64_t DayOf(std::chrono::sys_seconds time) {
  return std::chrono::floor<std::chrono::days>(time).time_since_epoch().count();
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t BucketOf(std::int64_t day, std::int64_t bucket_days) {
  return FloorDiv(day + kMondayShift, bucket_days);
}

std::int64_t FirstDayOf(std::int64_t bucket, std::int64_t bucket_days) {
  return bucket * bucket_days - kMondayShift;
}

// A total order, so that ties cannot make the answer depend on input order.
bool IsNewer(const BackupPoint& a, const BackupPoint& b) {
  if (a.taken_at != b.taken_at) return a.taken_at > b.taken_at;
  return a.id > b.id;
}

core::Result<void> CheckBound(const char* name, int value, int low, int high) {
  if (value >= low && value <= high) return {};
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    std::string("retention: ") + name + " must be between " + std::to_string(low) +
                        " and " + std::to_string(high) + ", not " + std::to_string(value));
}

}  // namespace

core::Result<RetentionPolicy> ValidateRetentionPolicy(RetentionPolicy policy) {
  for (const auto& check :
       {CheckBound("daily", policy.daily, 1, 60), CheckBound("weekly", policy.weekly, 0, 52),
        CheckBound("monthly", policy.monthly, 0, 120)}) {
    if (!check) return core::Unexpected(check.error());
  }
  return policy;
}

int MaxKept(const RetentionPolicy& policy) { return policy.daily + policy.weekly + policy.monthly; }

int MinimumRetentionDays(const RetentionPolicy& policy) {
  int reach = policy.daily - 1;
  int finer_bucket_days = 1;
  for (const auto& [bucket_days, buckets] :
       {std::pair{7, policy.weekly}, std::pair{28, policy.monthly}}) {
    if (buckets <= 0) continue;
    reach += finer_bucket_days + bucket_days * (buckets - 1);
    finer_bucket_days = bucket_days;
  }
  return reach;
}

std::vector<std::string> BackupsToKeep(std::span<const BackupPoint> backups,
                                       std::chrono::sys_seconds now,
                                       const RetentionPolicy& policy) {
  if (backups.empty()) return {};

  // Each day is represented by its newest backup: the only one of the day
  // that any tier can keep.
  std::map<std::int64_t, const BackupPoint*> newest_of_day;
  const BackupPoint* newest = &backups.front();
  for (const BackupPoint& backup : backups) {
    const BackupPoint*& slot = newest_of_day[DayOf(backup.taken_at)];
    if (slot == nullptr || IsNewer(backup, *slot)) slot = &backup;
    if (IsNewer(backup, *newest)) newest = &backup;
  }

  const std::int64_t today = DayOf(now);
  int daily = std::max(policy.daily, 0);
  // Clock skew: a newest backup dated after today is kept outside every
  // window, so it takes a daily slot to keep the total within MaxKept.
  if (DayOf(newest->taken_at) > today && daily > 0) --daily;
  const Tier tiers[] = {{1, daily},
                        {kDaysPerWeek, std::max(policy.weekly, 0)},
                        {kDaysPerMonth, std::max(policy.monthly, 0)}};

  std::vector<const BackupPoint*> kept = {newest};
  // The first day the finer tiers cover; each tier starts with the bucket
  // holding the day before it, so the tiers are laid end to end.
  std::int64_t covered_from = today + 1;
  for (const Tier& tier : tiers) {
    if (tier.buckets == 0) continue;
    const std::int64_t newest_bucket = BucketOf(covered_from - 1, tier.bucket_days);
    const std::int64_t oldest_bucket = newest_bucket - tier.buckets + 1;
    const std::int64_t window_end = FirstDayOf(newest_bucket + 1, tier.bucket_days);
    std::int64_t last_bucket_kept = oldest_bucket - 1;
    // Days in ascending order: the first day seen in a bucket is its oldest.
    for (auto it = newest_of_day.lower_bound(FirstDayOf(oldest_bucket, tier.bucket_days));
         it != newest_of_day.end() && it->first < window_end; ++it) {
      const std::int64_t bucket = BucketOf(it->first, tier.bucket_days);
      if (bucket == last_bucket_kept) continue;
      kept.push_back(it->second);
      last_bucket_kept = bucket;
    }
    covered_from = FirstDayOf(oldest_bucket, tier.bucket_days);
  }

  std::ranges::sort(kept,
                    [](const BackupPoint* a, const BackupPoint* b) { return IsNewer(*b, *a); });
  std::vector<std::string> ids;
  ids.reserve(kept.size());
  for (const BackupPoint* backup : kept) ids.push_back(backup->id);
  // Tiers overlap where a bucket's survivor is also a finer bucket's; equal
  // ids are adjacent, as the sort is by time, then id.
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace citadel::backup
