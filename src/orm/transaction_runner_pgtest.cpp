// TransactionRunner against a real PostgreSQL: a serialization failure and a
// real deadlock are retried and then succeed, the waits between tries are
// jittered within Odoo's doubling bound, integrity violations become
// ValidationErrors with the constraint's message, other exceptions roll back
// and pass through.
#include "orm/transaction_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "db/error.hpp"
#include "orm/errors.hpp"
#include "orm/schema_pgtest_support.hpp"

namespace citadel::orm {
namespace {

using namespace schema_testing;

std::shared_ptr<const Registry> BaseRegistry() {
  RegistryBuilder builder;
  for (auto& def : BaseModels().defs) builder.AddModel("base", std::move(def));
  auto registry = builder.Build();
  if (!registry) throw std::runtime_error(registry.error().message);
  return *registry;
}

db::ComposedSql Sql(db::SqlText text) { return db::ComposedSql(text); }

TEST(TransactionRunnerPg, SerializationFailureIsRetriedAndThenSucceeds) {
  db::Connection connection = FreshDatabase("runner_retry");
  SyncOrFail(MakeSync(BaseModels()), connection);
  ASSERT_TRUE(connection.Execute("INSERT INTO res_users (login) VALUES ('a')"));
  db::Connection other = Connect("runner_retry");

  std::vector<std::chrono::microseconds> waits;
  TransactionRunnerOptions options;
  options.sleep = [&](std::chrono::microseconds wait) { waits.push_back(wait); };
  TransactionRunner runner(connection, BaseRegistry(), options);
  int calls = 0;
  const std::string login = runner.Run([&] {
    ++calls;
    Environment env(BaseRegistry(), connection, 1);
    env.Execute(Sql("SELECT login FROM res_users"));  // takes the snapshot
    if (calls == 1) {
      // A concurrent transaction changes the row after our snapshot.
      auto r = other.Execute("UPDATE res_users SET login = 'b'");
      if (!r) throw std::runtime_error(r.error().message);
    }
    env.Execute(Sql("UPDATE res_users SET login = login || '+'"));
    return env.Execute(Sql("SELECT login FROM res_users")).Text(0, "login");
  });
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(runner.last_tries(), 2);
  EXPECT_EQ(login, "b+");
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_LE(waits[0], std::chrono::microseconds(50'000)) << "uniform(0, 25 ms * 2^1)";
  EXPECT_TRUE(connection.IsReusable());
}

TEST(TransactionRunnerPg, GivesUpAfterFiveTries) {
  db::Connection connection = FreshDatabase("runner_give_up");
  TransactionRunnerOptions options;
  options.sleep = [](std::chrono::microseconds) {};
  TransactionRunner runner(connection, BaseRegistry(), options);
  int calls = 0;
  EXPECT_THROW(runner.Run([&] {
    ++calls;
    throw DatabaseError(core::Error{core::ErrorCode::kUnavailable,
                                    "SQLSTATE 40001: could not serialize access"});
  }),
               DatabaseError);
  EXPECT_EQ(calls, 5);
  EXPECT_TRUE(connection.IsReusable());
}

// Two transactions lock two rows in opposite order: a real 40P01. The
// runner's connection must be the victim, so it alone runs PostgreSQL's
// deadlock check soon (deadlock_timeout 50 ms against 10 s for the other).
// The call deadlocks on its first two tries and succeeds on the third; the
// other side commits each time, and its changes are what the third try sees.
TEST(TransactionRunnerPg, DeadlockIsRetriedWholeAndThenSucceeds) {
  db::Connection connection = FreshDatabase("runner_deadlock");
  ASSERT_TRUE(connection.Execute("CREATE TABLE pair (id integer PRIMARY KEY, n integer NOT NULL)"));
  ASSERT_TRUE(connection.Execute("INSERT INTO pair VALUES (1, 0), (2, 0)"));
  ASSERT_TRUE(connection.Execute("SET deadlock_timeout = '50ms'"));
  db::Connection other = Connect("runner_deadlock");
  ASSERT_TRUE(other.Execute("SET deadlock_timeout = '10s'"));
  auto other_pid = other.Execute("SELECT pg_backend_pid()::text AS pid");
  ASSERT_TRUE(other_pid);
  const std::string pid = other_pid->Text(0, "pid");
  db::Connection watcher = Connect("runner_deadlock");

  std::thread partner;
  std::vector<std::string> partner_errors;
  // Row 2 then row 1, committed: the reverse of the call's order.
  auto start_partner = [&] {
    std::promise<void> holds_row_2;
    auto held = holds_row_2.get_future();
    partner = std::thread([&, holds = std::move(holds_row_2)]() mutable {
      for (db::SqlText sql : {db::SqlText("BEGIN"), db::SqlText("UPDATE pair SET n = n + 10 WHERE id = 2")}) {
        if (auto r = other.Execute(sql); !r) partner_errors.push_back(r.error().message);
      }
      holds.set_value();
      for (db::SqlText sql : {db::SqlText("UPDATE pair SET n = n + 10 WHERE id = 1"), db::SqlText("COMMIT")}) {
        if (auto r = other.Execute(sql); !r) partner_errors.push_back(r.error().message);
      }
    });
    held.wait();
    // Wait until the partner is blocked on row 1, so the deadlock exists when
    // the runner's own check runs.
    for (int i = 0; i < 500; ++i) {
      auto blocked = watcher.Execute("SELECT cardinality(pg_blocking_pids($1::int)) AS n", pid);
      if (blocked && blocked->Text(0, "n") != "0") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the partner never waited for row 1";
  };

  std::vector<std::chrono::microseconds> waits;
  TransactionRunnerOptions options;
  options.sleep = [&](std::chrono::microseconds wait) {
    waits.push_back(wait);
    partner.join();  // the next try starts after the winner committed
  };
  TransactionRunner runner(connection, BaseRegistry(), options);
  int calls = 0;
  std::vector<std::string> failures;
  std::string seen;
  auto call = [&] {
    ++calls;
    Environment env(BaseRegistry(), connection, 1);
    env.Execute(Sql("UPDATE pair SET n = n + 1 WHERE id = 1"));
    if (calls <= 2) start_partner();
    try {
      env.Execute(Sql("UPDATE pair SET n = n + 1 WHERE id = 2"));
    } catch (const DatabaseError& error) {
      failures.push_back(std::string(db::SqlStateOf(error.error())));
      throw;
    }
    return env.Execute(Sql("SELECT string_agg(n::text, ',' ORDER BY id) AS n FROM pair")).Text(0, "n");
  };
  try {
    seen = runner.Run(call);
  } catch (const DatabaseError& error) {
    ADD_FAILURE() << "the deadlock was not retried: " << error.what();
  }
  if (partner.joinable()) partner.join();
  EXPECT_TRUE(partner_errors.empty()) << partner_errors.front();
  EXPECT_EQ(failures, (std::vector<std::string>{"40P01", "40P01"}));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(runner.last_tries(), 3);
  EXPECT_EQ(seen, "21,21") << "two partners' +10 each, then the call's +1 once (its failed tries rolled back)";
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_LE(waits[0], std::chrono::microseconds(50'000)) << "uniform(0, 25 ms * 2^1)";
  EXPECT_LE(waits[1], std::chrono::microseconds(100'000)) << "uniform(0, 25 ms * 2^2)";
  EXPECT_TRUE(connection.IsReusable());
}

// The waits between tries: before try n+1, uniform in [0, unit * 2^n] (Odoo's
// retrying() doubles its bound each time), and random: the waits of the same
// try over several calls are not all the same value.
TEST(TransactionRunnerPg, WaitsBetweenTriesAreJitteredWithinADoublingBound) {
  db::Connection connection = FreshDatabase("runner_jitter");
  constexpr int kCalls = 20;
  std::vector<std::vector<std::chrono::microseconds>> waits(kCalls);
  for (int call = 0; call < kCalls; ++call) {
    TransactionRunnerOptions options;
    options.backoff_unit = std::chrono::milliseconds(10);
    options.sleep = [&, call](std::chrono::microseconds wait) { waits[call].push_back(wait); };
    TransactionRunner runner(connection, BaseRegistry(), options);
    int tries = 0;
    runner.Run([&] {
      if (++tries < 5) {
        throw DatabaseError(db::ErrorFromSqlState(tries % 2 ? "40P01" : "40001", "deadlock or serialization"));
      }
    });
    EXPECT_EQ(runner.last_tries(), 5);
  }
  for (int n = 1; n <= 4; ++n) {
    const std::chrono::microseconds bound = std::chrono::milliseconds(10) * (1 << n);
    std::set<std::int64_t> distinct;
    for (const auto& call : waits) {
      ASSERT_EQ(call.size(), 4u);
      const auto wait = call[static_cast<std::size_t>(n - 1)];
      EXPECT_GE(wait.count(), 0) << "try " << n;
      EXPECT_LE(wait, bound) << "try " << n;
      distinct.insert(wait.count());
    }
    EXPECT_GT(distinct.size(), 1u) << "the waits before try " << n + 1 << " are all " << *distinct.begin();
  }
}

TEST(TransactionRunnerPg, UniqueViolationBecomesTheConstraintsMessage) {
  db::Connection connection = FreshDatabase("runner_unique");
  SyncOrFail(MakeSync(BaseModels()), connection);
  TransactionRunner runner(connection, BaseRegistry());
  try {
    runner.Run([&] {
      Environment env(BaseRegistry(), connection, 1);
      env.Execute(Sql("INSERT INTO res_users (login) VALUES ('same')"));
      env.Execute(Sql("INSERT INTO res_users (login) VALUES ('same')"));
    });
    FAIL() << "no error";
  } catch (const ValidationError& error) {
    EXPECT_EQ(std::string(error.what()),
              "The operation cannot be completed: You can not have two users with the same login!");
  }
  EXPECT_EQ(runner.last_tries(), 1) << "an integrity error is not retried";
  auto count = connection.Execute("SELECT count(*) AS n FROM res_users");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->Text(0, "n"), "0") << "rolled back";
}

TEST(TransactionRunnerPg, ForeignKeyViolationBecomesAValidationError) {
  db::Connection connection = FreshDatabase("runner_fk");
  SyncOrFail(MakeSync(BaseModels()), connection);
  ASSERT_TRUE(connection.Execute("INSERT INTO res_country (id, name) VALUES (1, 'Belgium')"));
  ASSERT_TRUE(connection.Execute("INSERT INTO res_partner (name, country_id) VALUES ('x', 1)"));
  TransactionRunner runner(connection, BaseRegistry());
  try {
    runner.Run([&] {
      Environment env(BaseRegistry(), connection, 1);
      env.Execute(Sql("DELETE FROM res_country"));  // ondelete restrict
    });
    FAIL() << "no error";
  } catch (const ValidationError& error) {
    EXPECT_NE(std::string(error.what()).find("referenced by other records"), std::string::npos)
        << error.what();
  }
}

TEST(TransactionRunnerPg, OtherExceptionsRollBackAndPassThrough) {
  db::Connection connection = FreshDatabase("runner_rollback");
  SyncOrFail(MakeSync(BaseModels()), connection);
  TransactionRunner runner(connection, BaseRegistry());
  EXPECT_THROW(runner.Run([&] {
    Environment env(BaseRegistry(), connection, 1);
    env.Execute(Sql("INSERT INTO res_users (login) VALUES ('x')"));
    throw AccessError("no");
  }),
               AccessError);
  auto count = connection.Execute("SELECT count(*) AS n FROM res_users");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->Text(0, "n"), "0");
  EXPECT_TRUE(connection.IsReusable());
}

TEST(TransactionRunnerPg, ALostConnectionBeforeCommitMayRunAgainOneAfterCommitMayNot) {
  db::Connection connection = FreshDatabase("runner_lost");
  TransactionRunner runner(connection, BaseRegistry());
  // The server ends this session mid-transaction, as a failover does.
  try {
    runner.Run([&] {
      auto r = connection.Execute("SELECT pg_terminate_backend(pg_backend_pid())");
      if (!r) throw DatabaseError(r.error());
    });
    FAIL() << "the terminated session did not fail the call";
  } catch (const DatabaseError& error) {
    EXPECT_TRUE(db::IsConnectionLoss(error.error())) << error.error().message;
    EXPECT_FALSE(runner.commit_sent());
    EXPECT_TRUE(MayRunAgainOnNewConnection(runner, error.error()));
    EXPECT_FALSE(CommitOutcomeUnknown(runner, error.error()));
    EXPECT_EQ(runner.last_tries(), 1) << "a lost connection is not the runner's to retry";
  }
  EXPECT_FALSE(connection.IsReusable());

  db::Connection fresh = Connect("runner_lost");
  TransactionRunner second(fresh, BaseRegistry());
  second.Run([&] {
    auto r = fresh.Execute("SELECT 1");
    if (!r) throw DatabaseError(r.error());
  });
  EXPECT_TRUE(second.commit_sent());
  // Had the connection died now, during COMMIT, the outcome would be unknown.
  const core::Error lost = db::ErrorFromSqlState(db::sqlstate::kConnectionFailure, "lost");
  EXPECT_FALSE(MayRunAgainOnNewConnection(second, lost));
  EXPECT_TRUE(CommitOutcomeUnknown(second, lost));
}

}  // namespace
}  // namespace citadel::orm
