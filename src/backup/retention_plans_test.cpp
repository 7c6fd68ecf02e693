// Retention per plan: the tenant's plan picks the policy, an unknown or empty
// plan the default; 200 simulated days under two plans keep what each plan
// promises (at most MaxKept, the newest, a backup old enough).
#include "backup/retention_plans.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace citadel::backup {
namespace {

RetentionPlans TwoPlans() {
  RetentionPlans plans;
  plans.fallback = {7, 4, 3};
  plans.named["small"] = {3, 1, 0};
  plans.named["archive"] = {14, 8, 2};
  return plans;
}

TEST(RetentionPlans, ATenantsPlanPicksItsPolicyAndAnythingElseTheDefault) {
  const RetentionPlans plans = TwoPlans();
  EXPECT_EQ(plans.For("small").daily, 3);
  EXPECT_EQ(plans.For("archive").weekly, 8);
  EXPECT_EQ(plans.For("").daily, 7);
  EXPECT_EQ(plans.For("removed-from-config").weekly, 4);
  EXPECT_EQ(plans.For("SMALL").daily, 7);  // names are exact
}

TEST(RetentionPlans, EveryPlanIsValidatedAndNamed) {
  EXPECT_TRUE(ValidateRetentionPlans(TwoPlans()));
  RetentionPlans bad = TwoPlans();
  bad.named["nothing"] = {0, 0, 0};
  auto refused = ValidateRetentionPlans(bad);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("plan nothing"), std::string::npos);
  RetentionPlans badly_named = TwoPlans();
  badly_named.named["Bad Name"] = {7, 4, 3};
  EXPECT_FALSE(ValidateRetentionPlans(badly_named));
  EXPECT_TRUE(IsRetentionPlanName("gold_2"));
  EXPECT_FALSE(IsRetentionPlanName(""));
  EXPECT_FALSE(IsRetentionPlanName(std::string(41, 'a')));
  EXPECT_FALSE(IsRetentionPlanName("x'; DROP"));
}

// One backup a day (a few days missed), pruned each day under the tenant's
// plan, as the scheduler does: each plan's bound and reach hold every day.
TEST(RetentionPlans, TwoHundredDaysUnderEachPlanKeepWhatThePlanPromises) {
  const RetentionPlans plans = TwoPlans();
  for (const char* plan : {"small", "", "archive"}) {
    const RetentionPolicy& policy = plans.For(plan);
    std::vector<BackupPoint> kept;
    const std::chrono::sys_seconds start{std::chrono::hours(24 * 20000)};
    std::size_t most = 0;
    for (int day = 0; day < 200; ++day) {
      const auto now = start + std::chrono::hours(24 * day) + std::chrono::hours(2);
      if (day % 17 != 5) kept.push_back({"b" + std::to_string(day), now});
      auto keep = BackupsToKeep(kept, now, policy);
      std::erase_if(kept, [&](const BackupPoint& b) { return std::find(keep.begin(), keep.end(), b.id) == keep.end(); });
      most = std::max(most, kept.size());
      ASSERT_LE(kept.size(), static_cast<std::size_t>(MaxKept(policy))) << plan << " day " << day;
      if (day % 17 != 5) {
        EXPECT_EQ(kept.back().id, "b" + std::to_string(day)) << plan;
      }
      if (day > MinimumRetentionDays(policy) + 2) {
        const auto oldest = std::min_element(kept.begin(), kept.end(), [](const BackupPoint& a, const BackupPoint& b) {
          return a.taken_at < b.taken_at;
        });
        // G = 1 (one day missed at a time): older than R - G - 1 days.
        EXPECT_GT(now - oldest->taken_at, std::chrono::hours(24 * (MinimumRetentionDays(policy) - 2))) << plan;
      }
    }
    EXPECT_GE(most + 1, static_cast<std::size_t>(MaxKept(policy))) << plan;  // filled (a missed day may cost one)
  }
}

}  // namespace
}  // namespace citadel::backup
