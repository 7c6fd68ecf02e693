// LoginFailureStore: the counters behind sign-in throttling and edge
// blocking, in the catalog database, so that they hold across restarts and
// across every Citadel server of a cluster (rpc/login_throttle.hpp decides
// with them; http's EdgeBlockList refuses blocked sources).
//
// Counters, each a row (scope, tenant, source, login) counting failures in a
// window that starts at the first failure and is restarted by the first
// failure after it has passed:
//   source_login  one source trying one login of one tenant;
//   source        one source, any login, one tenant;
//   login         one login of one tenant, from any source (an attack spread
//                 over many addresses: slows that login down, never blocks it);
//   edge          one source across all tenants (tenant "").
// Each failure is written by one autocommitted statement on a catalog
// connection of its own, never inside the failing call's transaction, so it
// is never rolled back with it.
//
// Edge blocks: when a source's edge counter reaches `edge.failures`, the
// source is blocked until now + `edge.first_block` * 2^(blocks so far),
// at most `edge.max_block`, and its edge counter starts again.
//
// Sources are IP addresses as text (core::IpAddress's form); logins are
// stored as given (bounded by the caller). Blocks on PostgreSQL: call it on
// a worker. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform {

struct FailureCount {
  int failures = 0;                      // in the current window
  std::chrono::seconds since_last{0};    // since the last failure
};

struct LoginFailureCounts {
  FailureCount source_login;
  FailureCount source;
  FailureCount login;
};

struct EdgeBlockPolicy {
  int failures = 100;  // per source, across tenants, in `window`; <= 0: never block
  std::chrono::seconds window = std::chrono::minutes(10);
  std::chrono::seconds first_block = std::chrono::minutes(1);
  std::chrono::seconds max_block = std::chrono::hours(24);
};

struct EdgeBlock {
  std::string source;
  std::int64_t blocked_until_unix = 0;
  int blocks = 0;  // how many times this source was blocked
  int failures = 0;
};

// What recording one failure led to.
struct RecordedFailure {
  LoginFailureCounts counts;  // after this failure
  bool edge_blocked = false;  // this failure blocked the source at the edge
};

class LoginFailureStore {
 public:
  // `tenants` (for its catalog connections) must outlive the store.
  explicit LoginFailureStore(TenantService& tenants, EdgeBlockPolicy edge = {});

  // The tenant's counters for (source, login) in windows of `window`.
  core::Result<LoginFailureCounts> Read(std::string_view tenant, std::string_view source,
                                        std::string_view login, std::chrono::seconds window);
  // One failure more on all four counters (an empty login: the source's
  // two only, as for a wrong API key); blocks the source at the edge
  // when its edge counter reaches the policy's threshold.
  core::Result<RecordedFailure> RecordFailure(std::string_view tenant, std::string_view source,
                                              std::string_view login, std::chrono::seconds window);
  // A sign-in succeeded: the (source, login) counter starts again (Odoo
  // resets its cooldown on success); the others keep counting.
  core::Result<void> RecordSuccess(std::string_view tenant, std::string_view source,
                                   std::string_view login);

  // Sources blocked now.
  core::Result<std::vector<EdgeBlock>> ActiveBlocks();
  // Lifts a block (and forgets the source's edge counter); false if none.
  core::Result<bool> Unblock(std::string_view source);
  // Deletes counters whose last failure is older than `age`; how many.
  core::Result<std::int64_t> PurgeOlderThan(std::chrono::seconds age);

  const EdgeBlockPolicy& edge_policy() const { return edge_; }

 private:
  TenantService& tenants_;
  const EdgeBlockPolicy edge_;
};

}  // namespace citadel::platform
