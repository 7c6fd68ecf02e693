#include "rpc/login_throttle.hpp"

#include <gtest/gtest.h>

namespace citadel::rpc {
namespace {

using platform::FailureCount;
using platform::LoginFailureCounts;
using namespace std::chrono_literals;

LoginFailureCounts Counts(FailureCount pair, FailureCount source, FailureCount login) {
  return LoginFailureCounts{pair, source, login};
}

TEST(DecideThrottle, APairOrASourceInCooldownIsRefusedUntilItEnds) {
  LoginThrottlePolicy policy;  // 5 per pair, 20 per source, cooldown 60 s
  EXPECT_FALSE(DecideThrottle(policy, Counts({4, 1s}, {4, 1s}, {4, 1s})).refused);
  EXPECT_TRUE(DecideThrottle(policy, Counts({5, 1s}, {5, 1s}, {5, 1s})).refused);
  EXPECT_FALSE(DecideThrottle(policy, Counts({5, 60s}, {5, 60s}, {5, 60s})).refused)
      << "the cooldown is over";
  EXPECT_TRUE(DecideThrottle(policy, Counts({0, 0s}, {20, 59s}, {0, 0s})).refused)
      << "a source trying many logins";
  policy.per_source_login = 0;
  policy.per_source = 0;
  EXPECT_FALSE(DecideThrottle(policy, Counts({99, 0s}, {99, 0s}, {0, 0s})).refused)
      << "0 turns each limit off";
}

TEST(DecideThrottle, ALoginFailingFromEverywhereIsSlowedDownNeverRefused) {
  LoginThrottlePolicy policy;  // attack threshold 20
  auto verdict = DecideThrottle(policy, Counts({}, {}, {19, 0s}));
  EXPECT_EQ(verdict.delay.count(), 0);
  verdict = DecideThrottle(policy, Counts({}, {}, {20, 0s}));
  EXPECT_FALSE(verdict.refused);
  EXPECT_EQ(verdict.delay.count(), 100);
  verdict = DecideThrottle(policy, Counts({}, {}, {29, 0s}));
  EXPECT_EQ(verdict.delay.count(), 1000) << "100 ms more per failure";
  verdict = DecideThrottle(policy, Counts({}, {}, {100000, 0s}));
  EXPECT_FALSE(verdict.refused);
  EXPECT_EQ(verdict.delay.count(), 5000) << "at most 5 s";
}

}  // namespace
}  // namespace citadel::rpc
