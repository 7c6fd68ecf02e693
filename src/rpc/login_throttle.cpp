#include "rpc/login_throttle.hpp"

#include <algorithm>
#include <charconv>

#include "core/logger.hpp"

namespace citadel::rpc {
namespace {

constexpr std::chrono::milliseconds kDelayStep{100};
constexpr std::chrono::milliseconds kMaxDelay{5000};

// The parameter's integer value clamped to [low, high], or `fallback`.
long long Clamped(const db::QueryResult& rows, std::string_view key, long long fallback,
                  long long low, long long high) {
  for (int row = 0; row < rows.rows(); ++row) {
    if (rows.Text(row, "key") != key) continue;
    const std::string value = rows.Text(row, "value");
    long long parsed = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size()) return fallback;
    return std::clamp(parsed, low, high);
  }
  return fallback;
}

}  // namespace

core::Result<LoginThrottlePolicy> ReadLoginThrottlePolicy(db::Connection& tenant_db) {
  auto rows = tenant_db.Execute(
      "SELECT key, btrim(value) AS value FROM ir_config_parameter WHERE key IN "
      "('base.login_cooldown_after', 'base.login_cooldown_duration', "
      "'citadel.login_failures_per_source', 'citadel.login_failure_window', "
      "'citadel.login_attack_threshold')");
  if (!rows) return core::Unexpected(rows.error());
  LoginThrottlePolicy policy;
  policy.per_source_login =
      static_cast<int>(Clamped(*rows, "base.login_cooldown_after", policy.per_source_login, 0, 1000));
  policy.cooldown = std::chrono::seconds(
      Clamped(*rows, "base.login_cooldown_duration", policy.cooldown.count(), 0, 86400));
  policy.per_source = static_cast<int>(
      Clamped(*rows, "citadel.login_failures_per_source", policy.per_source, 0, 1000));
  policy.window = std::chrono::seconds(
      Clamped(*rows, "citadel.login_failure_window", policy.window.count(), 60, 86400));
  policy.attack_threshold = static_cast<int>(
      Clamped(*rows, "citadel.login_attack_threshold", policy.attack_threshold, 1, 100000));
  return policy;
}

ThrottleVerdict DecideThrottle(const LoginThrottlePolicy& policy,
                               const platform::LoginFailureCounts& counts) {
  ThrottleVerdict verdict;
  auto cooling = [&](int limit, const platform::FailureCount& count) {
    return limit > 0 && count.failures >= limit && count.since_last < policy.cooldown;
  };
  verdict.refused = cooling(policy.per_source_login, counts.source_login) ||
                    cooling(policy.per_source, counts.source);
  if (counts.login.failures >= policy.attack_threshold) {
    const auto steps = counts.login.failures - policy.attack_threshold + 1;
    verdict.delay = std::min(kMaxDelay, kDelayStep * steps);
  }
  return verdict;
}

core::Result<ThrottleVerdict> LoginThrottle::Before(std::string_view tenant,
                                                    std::string_view source,
                                                    std::string_view login,
                                                    const LoginThrottlePolicy& policy) {
  auto counts = store_.Read(tenant, source, tenant.empty() ? std::string_view() : login,
                            policy.window);
  if (!counts) return core::Unexpected(counts.error());
  return DecideThrottle(policy, *counts);
}

void LoginThrottle::After(std::string_view tenant, std::string_view source,
                          std::string_view login, const LoginThrottlePolicy& policy,
                          bool succeeded, const std::string& request_id) {
  if (tenant.empty()) login = {};
  if (succeeded) {
    if (login.empty()) return;
    if (auto r = store_.RecordSuccess(tenant, source, login); !r) {
      core::Log().Error("sign-in throttle: recording a success failed",
                        {{"request_id", request_id}, {"error", r.error().message}});
    }
    return;
  }
  auto recorded = store_.RecordFailure(tenant, source, login, policy.window);
  if (!recorded) {
    core::Log().Error("sign-in throttle: recording a failure failed",
                      {{"request_id", request_id}, {"error", recorded.error().message}});
    return;
  }
  const int on_login = recorded->counts.login.failures;
  if (!login.empty() && on_login >= policy.attack_threshold &&
      on_login % policy.attack_threshold == 0) {
    core::Log().Warn("sign-in attack: many failed sign-ins on one login, from any source",
                     {{"request_id", request_id},
                      {"tenant", std::string(tenant)},
                      {"login", std::string(login)},
                      {"failures", std::to_string(on_login)}});
  }
  if (recorded->edge_blocked) {
    core::Log().Warn("edge: source blocked after too many failed sign-ins",
                     {{"request_id", request_id}, {"source", std::string(source)}});
  }
}

}  // namespace citadel::rpc
