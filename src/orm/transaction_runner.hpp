// TransactionRunner: one external call = one REPEATABLE READ transaction,
// retried whole on a serialization failure (40001) or a deadlock (40P01), as
// Odoo's odoo.service.model.retrying() does: at most kMaxTries tries, a
// random (jittered) wait between tries that doubles each time.
//
//   TransactionRunner runner(connection, registry);
//   Value ids = runner.Run([&] {
//     Environment env(registry, connection, uid, context);
//     return RecordSet::Of(env, "res.partner").Search(domain, 0, 80, "");
//   });
//
// The function must be safe to run again from scratch: it gets a fresh
// transaction each time and must not keep state from a failed try (build the
// Environment inside it). On any exception the transaction is rolled back and
// the exception re-thrown, except that a database error of integrity class
// becomes a ValidationError with a human message: unique violation (23505)
// and foreign-key violation (23503), named by the model's SqlConstraint
// message when the constraint is one of them; not-null violation (23502).
// Messages never carry values (PostgreSQL's DETAIL lines are not read).
//
// Ownership: borrows the connection (idle on entry, idle on return) and shares
// the registry. Not thread-safe: one runner per connection per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "db/connection.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"

namespace citadel::orm {

struct TransactionRunnerOptions {
  int max_tries = 5;  // Odoo's MAX_TRIES_ON_CONCURRENCY_FAILURE
  // Before try n+1 the runner waits uniform(0, backoff_unit * 2^n). Odoo waits
  // whole seconds (unit 1 s); a smaller unit keeps a request's worst case
  // short, since a retry after a few milliseconds usually succeeds.
  std::chrono::milliseconds backoff_unit{25};
  // How to wait; tests record the waits instead of sleeping.
  std::function<void(std::chrono::microseconds)> sleep;
};

class TransactionRunner {
 public:
  TransactionRunner(db::Connection& connection, std::shared_ptr<const Registry> registry,
                    TransactionRunnerOptions options = {})
      : connection_(connection),
        registry_(std::move(registry)),
        options_(std::move(options)) {}

  // Runs `function` in a transaction and returns what it returns.
  template <class F>
  std::invoke_result_t<F&> Run(F&& function) {
    using R = std::invoke_result_t<F&>;
    if constexpr (std::is_void_v<R>) {
      RunErased([&] { function(); });
    } else {
      std::optional<R> result;
      RunErased([&] { result.emplace(function()); });
      return std::move(*result);
    }
  }

  // How many tries the last Run took (1 when nothing was retried).
  int last_tries() const { return last_tries_; }

  // Whether the last try of the last Run sent COMMIT. A Run that failed with
  // a lost connection before that changed nothing, and may run again on
  // another connection (after a failover: on the new primary); after it, the
  // outcome is unknown and must be reported, never replayed
  // (MayRunAgainOnNewConnection).
  bool commit_sent() const { return commit_sent_; }

 private:
  void RunErased(const std::function<void()>& body);
  void Begin();
  void Commit();
  void RollbackQuietly();

  db::Connection& connection_;
  std::shared_ptr<const Registry> registry_;
  TransactionRunnerOptions options_;
  int last_tries_ = 0;
  bool commit_sent_ = false;
};

// The ValidationError an integrity violation stands for, or nullopt when
// `error` is not one. Exposed for tests and for code running its own
// transactions.
std::optional<std::string> IntegrityErrorMessage(const core::Error& error,
                                                 const Registry& registry);

// Whether a call whose Run on `runner` threw `error` may be run once more on
// a fresh connection: the connection was lost and COMMIT had not been sent.
bool MayRunAgainOnNewConnection(const TransactionRunner& runner, const core::Error& error);

// Whether `error` left the call's outcome unknown: the connection was lost
// after COMMIT was sent (the change may be saved or not).
bool CommitOutcomeUnknown(const TransactionRunner& runner, const core::Error& error);

}  // namespace citadel::orm
