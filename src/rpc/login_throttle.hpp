// LoginThrottle: brute-force protection of every sign-in path (common.login
// and authenticate, /web/session/authenticate, execute_kw whose password is
// not in the credential cache, JSON-2 keys: the last two through
// throttled_check.hpp), where Odoo 18 protects its web
// form only. The counters are platform::LoginFailureStore's (catalog), the
// limits the tenant admin's (ir.config_parameter, read with fixed SQL):
//
//   base.login_cooldown_after          5    failures of one login from one
//                                           source before its cooldown (Odoo's
//                                           name and default; 0: off)
//   base.login_cooldown_duration       60   seconds of cooldown (Odoo's)
//   citadel.login_failures_per_source  20   failures from one source, any login,
//                                           before the source's cooldown (0: off)
//   citadel.login_failure_window       3600 seconds a failure counts for
//   citadel.login_attack_threshold     20   failures of one login from all
//                                           sources before it is slowed down
//
// During a cooldown the attempt is refused from that source without the
// password being checked, answered exactly as a wrong password. Failures of
// one login spread over many sources never refuse it (that would let anyone
// lock its owner out): past the attack threshold each attempt on it waits
// 100 ms more per failure (at most 5 s, on a DelayQueue, holding no worker),
// and an alert is logged at the threshold and at each multiple of it.
// Unknown tenants count only for the source (and the edge). A known user is
// counted as "#<uid>" whichever path names it (a login, or execute_kw's uid).
//
// Thread-safe; the store and the queue must outlive it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/delay_queue.hpp"
#include "core/result.hpp"
#include "db/connection.hpp"
#include "platform/login_failure_store.hpp"

namespace citadel::rpc {

struct LoginThrottlePolicy {
  int per_source_login = 5;
  std::chrono::seconds cooldown{60};
  int per_source = 20;
  std::chrono::seconds window{3600};
  int attack_threshold = 20;
};

// The tenant's limits; a missing or malformed value is its default, and
// each is clamped to a sane range (0..1000 failures, cooldown 0..1 day,
// window 1 minute..1 day, threshold 1..100000).
core::Result<LoginThrottlePolicy> ReadLoginThrottlePolicy(db::Connection& tenant_db);

struct ThrottleVerdict {
  bool refused = false;                 // in cooldown: do not check the password
  std::chrono::milliseconds delay{0};   // slow down first (a login under attack)
};

// The decision for counts read before an attempt. Pure; public for tests.
ThrottleVerdict DecideThrottle(const LoginThrottlePolicy& policy,
                               const platform::LoginFailureCounts& counts);

class LoginThrottle {
 public:
  LoginThrottle(platform::LoginFailureStore& store, core::DelayQueue& delays)
      : store_(store), delays_(delays) {}

  // Before checking a secret. `tenant` empty: an unknown database (nothing
  // but the source counts); `login` empty: an API key.
  core::Result<ThrottleVerdict> Before(std::string_view tenant, std::string_view source,
                                       std::string_view login, const LoginThrottlePolicy& policy);
  // After the check: a failure is counted (and may block the source at the
  // edge), a success restarts the (source, login) count. Errors are logged,
  // never raised: the answer to the client does not depend on them.
  void After(std::string_view tenant, std::string_view source, std::string_view login,
             const LoginThrottlePolicy& policy, bool succeeded, const std::string& request_id);

  core::DelayQueue& delays() { return delays_; }

 private:
  platform::LoginFailureStore& store_;
  core::DelayQueue& delays_;
};

}  // namespace citadel::rpc
