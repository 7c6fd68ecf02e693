// TransactionRunner against a real PostgreSQL: a serialization failure is
// retried and then succeeds, integrity violations become ValidationErrors
// with the constraint's message, other exceptions roll back and pass through.
#include "orm/transaction_runner.hpp"

#include <gtest/gtest.h>

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
