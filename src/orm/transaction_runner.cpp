#include "orm/transaction_runner.hpp"

#include <random>
#include <string>
#include <string_view>
#include <thread>

#include "db/error.hpp"
#include "orm/errors.hpp"
#include "orm/schema_names.hpp"

namespace citadel::orm {
namespace {

constexpr std::string_view kForeignKeyViolation = "23503";
constexpr std::string_view kNotNullViolation = "23502";

// The name between the first pair of double quotes after `marker` in
// PostgreSQL's primary message ('... violates unique constraint "x"').
std::string QuotedAfter(std::string_view message, std::string_view marker) {
  auto at = message.find(marker);
  if (at == std::string_view::npos) return {};
  auto open = message.find('"', at + marker.size());
  if (open == std::string_view::npos) return {};
  auto close = message.find('"', open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(message.substr(open + 1, close - open - 1));
}

// The module's message for a constraint named as schema sync names it.
const SqlConstraint* FindConstraint(const Registry& registry, const std::string& name) {
  if (name.empty()) return nullptr;
  for (const auto& model : registry.models()) {
    for (const auto& constraint : model->sql_constraints()) {
      if (SqlConstraintNameOf(model->table(), constraint.name) == name) return &constraint;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> IntegrityErrorMessage(const core::Error& error,
                                                 const Registry& registry) {
  const std::string_view state = db::SqlStateOf(error);
  if (state == db::sqlstate::kUniqueViolation) {
    const SqlConstraint* constraint =
        FindConstraint(registry, QuotedAfter(error.message, "unique constraint"));
    if (constraint != nullptr && !constraint->message.empty()) {
      return "The operation cannot be completed: " + constraint->message;
    }
    return std::string("The operation cannot be completed: another record has the same value.");
  }
  if (state == kForeignKeyViolation) {
    const SqlConstraint* constraint =
        FindConstraint(registry, QuotedAfter(error.message, "foreign key constraint"));
    if (constraint != nullptr && !constraint->message.empty()) {
      return "The operation cannot be completed: " + constraint->message;
    }
    if (error.message.find("update or delete") != std::string::npos) {
      return std::string(
          "The operation cannot be completed: the record is referenced by other records. If "
          "possible, archive it instead.");
    }
    return std::string("The operation cannot be completed: a referenced record does not exist.");
  }
  if (state == kNotNullViolation) {
    return std::string("The operation cannot be completed: a mandatory field is not set.");
  }
  return std::nullopt;
}

void TransactionRunner::Begin() {
  // Sent with the body's first statement, in one round trip.
  connection_.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
}

void TransactionRunner::Commit() {
  commit_sent_ = true;  // from here on a lost connection leaves the outcome unknown
  auto r = connection_.CommitDeferred();
  if (!r) throw DatabaseError(std::move(r.error()));
}

void TransactionRunner::RollbackQuietly() {
  // Nothing to do on a lost connection: the server has rolled back already,
  // and the pool discards a broken connection.
  (void)connection_.RollbackDeferred();
}

void TransactionRunner::RunErased(const std::function<void()>& body) {
  for (int attempt = 1;; ++attempt) {
    last_tries_ = attempt;
    commit_sent_ = false;
    try {
      Begin();
      body();
      Commit();
      return;
    } catch (const DatabaseError& error) {
      RollbackQuietly();
      if (auto message = IntegrityErrorMessage(error.error(), *registry_)) {
        throw ValidationError(*message);
      }
      if (!db::IsRetryableTransactionError(error.error()) || attempt >= options_.max_tries) throw;
      const auto ceiling = std::chrono::duration_cast<std::chrono::microseconds>(
          options_.backoff_unit * (std::int64_t{1} << attempt));
      std::uniform_int_distribution<std::int64_t> jitter(0, ceiling.count());
      // One generator per thread, seeded on its first retry: a runner is made
      // per call, and seeding one from std::random_device each time cost ~5%
      // of a read's CPU (perf, session 7) for a jitter only retries use.
      thread_local std::mt19937_64 random(std::random_device{}());
      const std::chrono::microseconds wait(jitter(random));
      if (options_.sleep) {
        options_.sleep(wait);
      } else {
        std::this_thread::sleep_for(wait);
      }
    } catch (...) {
      RollbackQuietly();
      throw;
    }
  }
}

bool MayRunAgainOnNewConnection(const TransactionRunner& runner, const core::Error& error) {
  return db::IsConnectionLoss(error) && !runner.commit_sent();
}

bool CommitOutcomeUnknown(const TransactionRunner& runner, const core::Error& error) {
  return db::IsConnectionLoss(error) && runner.commit_sent();
}

}  // namespace citadel::orm
