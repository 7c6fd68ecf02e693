// Connection against a real PostgreSQL: bound parameters, NULLs, errors.
#include "db/connection.hpp"

#include "db/composed_sql.hpp"

#include <functional>

#include <gtest/gtest.h>

#include "db/error.hpp"
#include "db/identifier.hpp"
#include "db/testing/pg_test_cluster.hpp"
#include "db/utility_statement.hpp"

namespace citadel::db {
namespace {

Connection Superuser(std::string_view db = "postgres") {
  auto conn = Connection::Open(testing::PgTestCluster().SuperuserDsn(db));
  EXPECT_TRUE(conn.has_value()) << conn.error().message;
  return std::move(*conn);
}

TEST(ConnectionPg, InjectionAttemptRoundTripsAsData) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE x (v text)"));
  const std::string evil = "'; DROP TABLE x; --";
  ASSERT_TRUE(conn.Execute("INSERT INTO x VALUES ($1)", evil));
  auto r = conn.Execute("SELECT v FROM x WHERE v = $1", evil);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->rows(), 1);
  EXPECT_EQ(r->Get(0, "v"), evil);
  auto still_there = conn.Execute("SELECT count(*) AS n FROM x");
  ASSERT_TRUE(still_there);
  EXPECT_EQ(still_there->Text(0, "n"), "1");
}

TEST(ConnectionPg, NullsIntegersAndColumnsByName) {
  Connection conn = Superuser();
  auto r = conn.Execute("SELECT $1::int + 1 AS n, $2::text AS missing, $3::bool AS flag", 41,
                        std::nullopt, true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->Get(0, "n"), "42");
  EXPECT_FALSE(r->Get(0, "missing").has_value());
  EXPECT_EQ(r->Get(0, "flag"), "t");
  EXPECT_EQ(r->ColumnIndex("nope"), -1);
}

TEST(ConnectionPg, SeveralStatementsInOneStringAreRefused) {
  Connection conn = Superuser();
  auto r = conn.Execute("SELECT 1; SELECT 2");
  ASSERT_FALSE(r);
  EXPECT_TRUE(conn.IsReusable());
}

TEST(ConnectionPg, UniqueViolationKeepsSqlState) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE u (k int PRIMARY KEY)"));
  ASSERT_TRUE(conn.Execute("INSERT INTO u VALUES (1)"));
  auto r = conn.Execute("INSERT INTO u VALUES (1)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::ErrorCode::kAlreadyExists);
  EXPECT_TRUE(IsUniqueViolation(r.error()));
  EXPECT_EQ(SqlStateOf(r.error()), "23505");
}

TEST(ConnectionPg, SerializationFailureIsRetryable) {
  Connection conn = Superuser();
  auto r = conn.Execute(
      "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$");
  ASSERT_FALSE(r);
  EXPECT_TRUE(IsRetryableTransactionError(r.error()));
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnavailable);
}

TEST(ConnectionPg, ConnectionFailureIsUnavailableAndHidesPassword) {
  auto conn = Connection::Open("host=/nonexistent port=5432 user=x password=hunter2secret",
                               std::chrono::seconds(2));
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(conn.error().message.find("hunter2secret"), std::string::npos);
}

TEST(ConnectionPg, TerminatedBackendMarksConnectionBroken) {
  Connection victim = Superuser();
  Connection killer = Superuser();
  ASSERT_TRUE(killer.Execute("SELECT pg_terminate_backend($1)", victim.BackendPid()));
  auto r = victim.Execute("SELECT 1");
  ASSERT_FALSE(r);
  EXPECT_TRUE(IsConnectionLoss(r.error())) << r.error().message;
  EXPECT_FALSE(victim.IsReusable());
}

TEST(ConnectionPg, PasswordNeverInUtilityStatement) {
  Connection conn = Superuser();
  auto role = Identifier::Make("conn_test_role");
  ASSERT_TRUE(role);
  const std::string password = "correct horse battery staple";
  auto stmt = UtilityStatementBuilder(conn)
                  .Sql("CREATE ROLE ")
                  .Name(*role)
                  .Sql(" LOGIN PASSWORD ")
                  .PasswordVerifier(*role, password)
                  .Build();
  ASSERT_TRUE(stmt);
  EXPECT_EQ(stmt->text().find(password), std::string::npos);
  EXPECT_NE(stmt->text().find("SCRAM-SHA-256$"), std::string::npos);
  ASSERT_TRUE(conn.ExecuteUtility(*stmt));
  // The verifier works: the role can log in with the clear password.
  auto dsn = testing::PgTestCluster().Access()->LoginDsn("postgres", "conn_test_role", password);
  auto login = Connection::Open(dsn);
  EXPECT_TRUE(login) << login.error().message;
  EXPECT_TRUE(conn.Execute("DROP ROLE conn_test_role"));
}

}  // namespace
}  // namespace citadel::db

namespace citadel::db {
namespace {

TEST(ConnectionPg, ComposedStatementsBindTheirValuesAndQuoteReservedNames) {
  Connection conn = Superuser();
  ComposedSql create("CREATE TEMP TABLE ");
  create.Name(*Identifier::Make("user")).Sql(" (").Name(*Identifier::Make("order")).Sql(" text)");
  ASSERT_TRUE(conn.ExecuteComposed(create));
  const std::string evil = "'); DROP TABLE \"user\"; --";
  ComposedSql insert("INSERT INTO ");
  insert.Name(*Identifier::Make("user")).Sql(" VALUES (").Value(evil).Sql("), (").Value(std::nullopt).Sql(")");
  ASSERT_TRUE(conn.ExecuteComposed(insert));
  ComposedSql select("SELECT count(*) AS n FROM ");
  select.Name(*Identifier::Make("user")).Sql(" WHERE ").Name(*Identifier::Make("order")).Sql(" = ").Value(evil);
  auto r = conn.ExecuteComposed(select);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->Text(0, "n"), "1");
}


int PreparedCount(Connection& conn) {
  auto r = conn.Execute("SELECT count(*) AS n FROM pg_prepared_statements WHERE name LIKE 'citadel_s%'");
  EXPECT_TRUE(r) << r.error().message;
  return r ? std::stoi(r->Text(0, "n")) : -1;
}

TEST(ConnectionPg, DataStatementIsPreparedOnceAndReused) {
  Connection conn = Superuser();
  const int before = PreparedCount(conn);  // counts itself: it is prepared before it runs
  const std::uint64_t sent_before = conn.statements_sent();
  for (int i = 0; i < 5; ++i) {
    auto r = conn.Execute("SELECT $1::int * 2 AS doubled", i);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->Text(0, "doubled"), std::to_string(i * 2));
  }
  EXPECT_EQ(conn.statements_sent(), sent_before + 5);
  EXPECT_EQ(PreparedCount(conn), before + 1);  // the loop's statement, once
}

TEST(ConnectionPg, PreparedStatementSurvivesRollbackAndFailedTransaction) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("BEGIN"));
  ASSERT_TRUE(conn.Execute("SELECT $1::int AS v", 1));
  EXPECT_FALSE(conn.Execute("SELECT 1/$1::int AS v", 0));  // division by zero aborts the transaction
  EXPECT_FALSE(conn.Execute("SELECT $1::int AS v", 2));    // refused in the aborted transaction
  ASSERT_TRUE(conn.Execute("ROLLBACK"));
  auto again = conn.Execute("SELECT $1::int AS v", 3);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->Text(0, "v"), "3");
}

TEST(ConnectionPg, PreparedStatementFollowsRecreatedTable) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE recreated (v text)"));
  ASSERT_TRUE(conn.Execute("INSERT INTO recreated VALUES ($1)", "first"));
  ASSERT_TRUE(conn.Execute("SELECT v FROM recreated"));
  ASSERT_TRUE(conn.Execute("DROP TABLE recreated"));
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE recreated (v text, w int)"));
  ASSERT_TRUE(conn.Execute("INSERT INTO recreated VALUES ($1)", "second"));
  auto r = conn.Execute("SELECT v FROM recreated");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->rows(), 1);
  EXPECT_EQ(r->Text(0, "v"), "second");
}

TEST(ConnectionPg, UtilityStatementsAreNotPrepared) {
  Connection conn = Superuser();
  const int before = PreparedCount(conn);
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE not_prepared (v text)"));
  ASSERT_TRUE(conn.Execute("DROP TABLE not_prepared"));
  EXPECT_EQ(PreparedCount(conn), before);
}

// DeferBegin: BEGIN travels with the next statement in one pipeline.
TEST(ConnectionPg, DeferredBeginOpensTheTransactionWithTheFirstStatement) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE deferred (v int)"));
  const int before = PreparedCount(conn);
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  EXPECT_FALSE(conn.IsReusable());  // a pending BEGIN is a transaction: never lent
  // A statement not prepared yet (Parse in the same pipeline), then the same
  // one again from the cache, both inside the transaction.
  auto level = conn.Execute("SELECT current_setting('transaction_isolation') AS level, $1::int AS n", 7);
  ASSERT_TRUE(level) << level.error().message;
  EXPECT_EQ(level->Text(0, "level"), "repeatable read");
  EXPECT_EQ(level->Text(0, "n"), "7");
  ASSERT_TRUE(conn.Execute("INSERT INTO deferred VALUES ($1)", 1));
  auto again = conn.Execute("SELECT current_setting('transaction_isolation') AS level, $1::int AS n", 8);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->Text(0, "n"), "8");
  EXPECT_EQ(PreparedCount(conn), before + 2);  // the two statements, once each
  ASSERT_TRUE(conn.RollbackDeferred());
  auto rows = conn.Execute("SELECT count(*) AS n FROM deferred");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->Text(0, "n"), "0");  // rolled back: the INSERT was inside the transaction
  EXPECT_TRUE(conn.IsReusable());

  conn.DeferBegin("BEGIN");
  ASSERT_TRUE(conn.Execute("INSERT INTO deferred VALUES ($1)", 2));  // prepared already: no Parse
  ASSERT_TRUE(conn.CommitDeferred());
  rows = conn.Execute("SELECT count(*) AS n FROM deferred");
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->Text(0, "n"), "1");
}

TEST(ConnectionPg, DeferredBeginWithNothingSentReachesNoServer) {
  Connection conn = Superuser();
  const std::uint64_t sent = conn.statements_sent();
  conn.DeferBegin("BEGIN");
  ASSERT_TRUE(conn.CommitDeferred());
  conn.DeferBegin("BEGIN");
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_EQ(conn.statements_sent(), sent);
  EXPECT_TRUE(conn.IsReusable());
}

TEST(ConnectionPg, DeferredBeginReportsTheStatementsErrorAndRollsBack) {
  Connection conn = Superuser();
  conn.DeferBegin("BEGIN");
  auto failed = conn.Execute("SELECT 1/$1::int AS v", 0);  // division by zero
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("division by zero"), std::string::npos) << failed.error().message;
  EXPECT_FALSE(conn.Execute("SELECT $1::int AS v", 2));  // the transaction is aborted
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_TRUE(conn.IsReusable());
  // A statement whose Parse fails in the pipeline: its error, then a usable connection.
  conn.DeferBegin("BEGIN");
  auto unparsable = conn.Execute("SELECT no_such_column FROM pg_class WHERE oid = $1::oid", 1);
  ASSERT_FALSE(unparsable);
  EXPECT_NE(unparsable.error().message.find("no_such_column"), std::string::npos);
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_TRUE(conn.IsReusable()) << "after a failed Parse";
  // A utility statement sends the pending BEGIN first.
  conn.DeferBegin("BEGIN");
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE in_transaction (v int)"));
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_TRUE(conn.IsReusable()) << "after the utility statement";
  EXPECT_FALSE(conn.Execute("SELECT v FROM in_transaction"));  // rolled back with the transaction
  EXPECT_TRUE(conn.IsReusable());
}

TEST(ConnectionPg, ReadOnlyCommitIsReadBeforeTheNextUseAndWritesCommitAtOnce) {
  Connection conn = Superuser();
  Connection other = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TABLE IF NOT EXISTS committed_at_once (v int)"));
  // Only SELECTs: COMMIT goes out without waiting; the connection stays lendable
  // and reads the answer before its next statement.
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  ASSERT_TRUE(conn.Execute("SELECT $1::int AS v", 1));
  ASSERT_TRUE(conn.CommitDeferred());
  EXPECT_TRUE(conn.IsReusable());
  EXPECT_TRUE(conn.StillAlive());
  auto level = conn.Execute("SELECT current_setting('transaction_isolation') AS level");
  ASSERT_TRUE(level) << level.error().message;
  EXPECT_EQ(level->Text(0, "level"), "read committed");  // outside the ended transaction
  // Twice in a row, the second transaction's first statement reads the first's COMMIT.
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  ASSERT_TRUE(conn.Execute("SELECT $1::int AS v", 2));
  ASSERT_TRUE(conn.CommitDeferred());
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  auto second = conn.Execute("SELECT $1::int AS v", 3);
  ASSERT_TRUE(second) << second.error().message;
  // A write: COMMIT is waited for, so another session sees the row at once.
  ASSERT_TRUE(conn.Execute("INSERT INTO committed_at_once VALUES ($1)", 4));
  ASSERT_TRUE(conn.CommitDeferred());
  auto seen = other.Execute("SELECT count(*) AS n FROM committed_at_once WHERE v = $1", 4);
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->Text(0, "n"), "1");
  ASSERT_TRUE(conn.Execute("DROP TABLE committed_at_once"));
}


// SendDeferred: a statement whose answer is read with the next statement's.
TEST(ConnectionPg, DeferredStatementIsAnsweredWithTheNextOne) {
  Connection conn = Superuser();
  const std::uint64_t sent = conn.statements_sent();
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  conn.SendDeferred("SELECT $1::int AS first, txid_current_if_assigned() IS NULL AS reading", 1);
  EXPECT_FALSE(conn.IsReusable());  // answers are on their way: never lent
  auto second = conn.Execute("SELECT $1::int AS second, current_setting('transaction_isolation') AS level", 2);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->Text(0, "second"), "2");
  EXPECT_EQ(second->Text(0, "level"), "repeatable read");  // inside the deferred BEGIN's transaction
  auto first = conn.TakeDeferred();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->Text(0, "first"), "1");
  EXPECT_EQ(conn.statements_sent(), sent + 3);  // BEGIN, the deferred one, the next
  ASSERT_TRUE(conn.CommitDeferred());
  EXPECT_TRUE(conn.IsReusable());
  EXPECT_FALSE(conn.TakeDeferred()) << "taken once only";

  // Alone: TakeDeferred waits for it; the same text again is prepared once.
  const int prepared = PreparedCount(conn);
  conn.DeferBegin("BEGIN");
  conn.SendDeferred("SELECT $1::int AS first, txid_current_if_assigned() IS NULL AS reading", 3);
  auto alone = conn.TakeDeferred();
  ASSERT_TRUE(alone) << alone.error().message;
  EXPECT_EQ(alone->Text(0, "first"), "3");
  EXPECT_TRUE(conn.IsReusable() == false);  // still in the transaction
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_EQ(PreparedCount(conn), prepared);
  EXPECT_TRUE(conn.IsReusable());

  // Sent, then the transaction ends without another statement.
  conn.DeferBegin("BEGIN");
  conn.SendDeferred("SELECT $1::int AS first, txid_current_if_assigned() IS NULL AS reading", 4);
  ASSERT_TRUE(conn.CommitDeferred());
  EXPECT_TRUE(conn.IsReusable());
  auto after_commit = conn.TakeDeferred();
  ASSERT_TRUE(after_commit) << after_commit.error().message;
  EXPECT_EQ(after_commit->Text(0, "first"), "4");
}

// CommitWithNextStatement: a read-only call's COMMIT in the round trip of its
// one statement, and nothing after it in that transaction.
TEST(ConnectionPg, ACommitSentWithTheStatementEndsTheTransactionInOneRoundTrip) {
  Connection conn = Superuser();
  Connection other = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TABLE IF NOT EXISTS early_commit (v int)"));
  const std::uint64_t trips = conn.round_trips();
  const std::uint64_t sent = conn.statements_sent();
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  conn.SendDeferred("SELECT $1::int AS checked", 1);
  conn.CommitWithNextStatement();
  auto read = conn.Execute("SELECT $1::int AS v, current_setting('transaction_isolation') AS level", 2);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_EQ(read->Text(0, "level"), "repeatable read");  // ran inside the transaction
  EXPECT_EQ(conn.round_trips(), trips + 1);
  EXPECT_EQ(conn.statements_sent(), sent + 4);  // BEGIN, the deferred one, the statement, COMMIT
  EXPECT_TRUE(conn.committed_with_statement());
  EXPECT_TRUE(conn.IsReusable()) << "the transaction has ended on the server";
  auto checked = conn.TakeDeferred();
  ASSERT_TRUE(checked) << checked.error().message;
  EXPECT_EQ(checked->Text(0, "checked"), "1");
  // A second statement would run outside the snapshot: refused, never sent.
  auto second = conn.Execute("INSERT INTO early_commit VALUES ($1)", 3);
  ASSERT_FALSE(second);
  EXPECT_TRUE(conn.committed_too_early());
  EXPECT_EQ(conn.statements_sent(), sent + 4);
  ASSERT_TRUE(conn.RollbackDeferred());
  auto rows_seen_by_another_session = [&other] {
    auto counted = other.Execute("SELECT count(*) AS n FROM early_commit");
    return counted ? counted->Text(0, "n") : counted.error().message;
  };
  EXPECT_EQ(rows_seen_by_another_session(), "0");

  // The next transaction starts clean; a first statement that writes gets no
  // early COMMIT (it is waited for as any write's), and the flag is spent.
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  conn.CommitWithNextStatement();
  ASSERT_TRUE(conn.Execute("INSERT INTO early_commit VALUES ($1)", 4));
  EXPECT_FALSE(conn.committed_with_statement());
  EXPECT_FALSE(conn.committed_too_early());
  ASSERT_TRUE(conn.Execute("INSERT INTO early_commit VALUES ($1)", 5));
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_EQ(rows_seen_by_another_session(), "0");

  // A failing statement: COMMIT is not run (the pipeline aborts), the
  // transaction stays open and failed until the rollback.
  conn.DeferBegin("BEGIN");
  conn.CommitWithNextStatement();
  ASSERT_FALSE(conn.Execute("SELECT 1 / $1::int AS v", 0));
  EXPECT_FALSE(conn.committed_with_statement());
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_TRUE(conn.IsReusable());
  ASSERT_TRUE(conn.Execute("DROP TABLE early_commit"));
}

TEST(ConnectionPg, DeferredStatementErrorsStayWithTheirStatement) {
  Connection conn = Superuser();
  // The next statement fails: the deferred answer is intact.
  conn.DeferBegin("BEGIN");
  conn.SendDeferred("SELECT $1::int AS v", 5);
  auto failed = conn.Execute("SELECT 1/$1::int AS v", 0);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("division by zero"), std::string::npos) << failed.error().message;
  auto deferred = conn.TakeDeferred();
  ASSERT_TRUE(deferred) << deferred.error().message;
  EXPECT_EQ(deferred->Text(0, "v"), "5");
  ASSERT_TRUE(conn.RollbackDeferred());
  EXPECT_TRUE(conn.IsReusable());

  // The deferred one fails (at Parse, then at run time): the next statement
  // is not run and reports that error; so does TakeDeferred.
  const std::function<void()> broken_deferred[] = {
      [&] { conn.SendDeferred("SELECT no_such_column FROM pg_class WHERE oid = $1::oid", 0); },
      [&] { conn.SendDeferred("SELECT 1/$1::int AS v", 0); },
  };
  for (std::size_t broken = 0; broken < std::size(broken_deferred); ++broken) {
    conn.DeferBegin("BEGIN");
    broken_deferred[broken]();
    auto next = conn.Execute("SELECT $1::int AS v", 6);
    ASSERT_FALSE(next) << broken;
    auto own = conn.TakeDeferred();
    ASSERT_FALSE(own) << broken;
    EXPECT_EQ(next.error().message, own.error().message);
    ASSERT_TRUE(conn.RollbackDeferred());
    EXPECT_TRUE(conn.IsReusable()) << broken;
    auto usable = conn.Execute("SELECT $1::int AS v", 7);
    ASSERT_TRUE(usable) << usable.error().message;
  }
}

// CheckDeferredWith: a deferred answer judged before the statements that
// travelled with it are handed back; a refusal stops the transaction there.
TEST(ConnectionPg, AFailedDeferredCheckStopsTheTransactionAtItsFirstStatement) {
  Connection conn = Superuser();
  ASSERT_TRUE(conn.Execute("CREATE TEMP TABLE checked (v int)"));
  // Passed: the work goes on and commits, in two round trips.
  std::optional<std::string> judged;
  const std::uint64_t trips = conn.round_trips();
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  conn.SendDeferred("SELECT $1::text AS verdict", "yes");
  conn.CheckDeferredWith([&](const core::Result<QueryResult>& answer) -> std::optional<core::Error> {
    judged = answer ? answer->Text(0, "verdict") : "error";
    if (judged == "yes") return std::nullopt;
    return core::MakeError(core::ErrorCode::kPermissionDenied, "check refused");
  });
  auto inserted = conn.Execute("INSERT INTO checked VALUES ($1) RETURNING v", 1);
  ASSERT_TRUE(inserted) << inserted.error().message;
  EXPECT_EQ(judged, "yes");
  EXPECT_FALSE(conn.condemned());
  ASSERT_TRUE(conn.CommitDeferred());
  EXPECT_EQ(conn.round_trips(), trips + 2);  // BEGIN + the check + the INSERT, then COMMIT

  // Refused: the statement that travelled with it reports the refusal, later
  // ones are not sent, COMMIT rolls back; the answer itself is still there.
  judged.reset();
  conn.DeferBegin("BEGIN ISOLATION LEVEL REPEATABLE READ");
  conn.SendDeferred("SELECT $1::text AS verdict", "no");
  conn.CheckDeferredWith([&](const core::Result<QueryResult>& answer) -> std::optional<core::Error> {
    judged = answer ? answer->Text(0, "verdict") : "error";
    if (judged == "yes") return std::nullopt;
    return core::MakeError(core::ErrorCode::kPermissionDenied, "check refused");
  });
  auto refused = conn.Execute("INSERT INTO checked VALUES ($1) RETURNING v", 2);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "check refused");
  EXPECT_EQ(judged, "no");
  EXPECT_TRUE(conn.condemned());
  const std::uint64_t sent = conn.statements_sent();
  auto later = conn.Execute("INSERT INTO checked VALUES ($1)", 3);
  ASSERT_FALSE(later);
  EXPECT_EQ(later.error().message, "check refused");
  EXPECT_EQ(conn.statements_sent(), sent) << "nothing is sent after a refused check";
  auto answer = conn.TakeDeferred();
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->Text(0, "verdict"), "no");
  auto commit = conn.CommitDeferred();
  ASSERT_FALSE(commit);
  EXPECT_EQ(commit.error().message, "check refused");
  EXPECT_FALSE(conn.condemned());
  EXPECT_TRUE(conn.IsReusable());
  auto rows = conn.Execute("SELECT string_agg(v::text, ',' ORDER BY v) AS v FROM checked");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->Text(0, "v"), "1");  // the refused transaction's INSERT was rolled back

  // The check applies to its own statement only: the next transaction runs.
  conn.DeferBegin("BEGIN");
  ASSERT_TRUE(conn.Execute("INSERT INTO checked VALUES ($1)", 4));
  ASSERT_TRUE(conn.CommitDeferred());
  ASSERT_TRUE(conn.Execute("DROP TABLE checked"));
}

}  // namespace
}  // namespace citadel::db
