#include "db/connection.hpp"

#include "core/bounded_worker_pool.hpp"
#include "db/composed_sql.hpp"

#include <optional>
#include <string>
#include <utility>

#include <libpq-fe.h>
#include <poll.h>

#include "db/error.hpp"
#include "db/utility_statement.hpp"

namespace citadel::db {

Connection::~Connection() { Close(); }

Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)),
      broken_(std::exchange(other.broken_, false)),
      statements_(std::move(other.statements_)),
      statements_sent_(std::exchange(other.statements_sent_, 0)),
      round_trips_(std::exchange(other.round_trips_, 0)),
      observer_(std::move(other.observer_)),
      deferred_begin_(std::exchange(other.deferred_begin_, std::nullopt)),
      in_transaction_(std::exchange(other.in_transaction_, false)),
      transaction_wrote_(std::exchange(other.transaction_wrote_, false)),
      commit_pending_(std::exchange(other.commit_pending_, false)),
      pipeline_(std::exchange(other.pipeline_, {})),
      deferred_result_(std::exchange(other.deferred_result_, std::nullopt)),
      deferred_check_(std::exchange(other.deferred_check_, nullptr)),
      condemned_(std::exchange(other.condemned_, std::nullopt)) {
  other.statements_.Clear();
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    Close();
    conn_ = std::exchange(other.conn_, nullptr);
    broken_ = std::exchange(other.broken_, false);
    statements_ = std::move(other.statements_);
    other.statements_.Clear();
    statements_sent_ = std::exchange(other.statements_sent_, 0);
    round_trips_ = std::exchange(other.round_trips_, 0);
    observer_ = std::move(other.observer_);
    deferred_begin_ = std::exchange(other.deferred_begin_, std::nullopt);
    in_transaction_ = std::exchange(other.in_transaction_, false);
    transaction_wrote_ = std::exchange(other.transaction_wrote_, false);
    commit_pending_ = std::exchange(other.commit_pending_, false);
    pipeline_ = std::exchange(other.pipeline_, {});
    deferred_result_ = std::exchange(other.deferred_result_, std::nullopt);
    deferred_check_ = std::exchange(other.deferred_check_, nullptr);
    condemned_ = std::exchange(other.condemned_, std::nullopt);
  }
  return *this;
}

void Connection::Close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  statements_.Clear();  // prepared statements die with the server session
  deferred_begin_.reset();
  in_transaction_ = transaction_wrote_ = commit_pending_ = false;
  commit_with_next_ = committed_early_ = committed_too_early_ = false;
  pipeline_.clear();
  deferred_result_.reset();
  deferred_check_ = nullptr;
  condemned_.reset();
}

core::Result<Connection> Connection::Open(const std::string& dsn,
                                          std::chrono::seconds connect_timeout) {
  const std::string timeout = std::to_string(connect_timeout.count());
  // Keywords are applied in order, so the expanded DSN (last) overrides our
  // defaults: an operator's connect_timeout or application_name wins.
  const char* keywords[] = {"connect_timeout", "application_name", "client_encoding", "dbname",
                            nullptr};
  const char* values[] = {timeout.c_str(), "citadel", "UTF8", dsn.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return core::Fail(core::ErrorCode::kResourceExhausted, "out of memory opening a connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    core::Error error = ErrorFromSqlState(sqlstate::kUnableToConnect, PQerrorMessage(conn));
    PQfinish(conn);
    return core::Unexpected(std::move(error));
  }
  // Server notices ("already exists, skipping") would go to stderr by
  // default, outside the structured log; they carry nothing we act on.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return Connection(conn);
}

core::Result<QueryResult> Connection::Finish(pg_result* result) {
  ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return QueryResult(result);
  }
  core::Error error = ErrorFromResult(result, conn_);
  PQclear(result);
  if (PQstatus(conn_) != CONNECTION_OK || IsConnectionLoss(error)) broken_ = true;
  return core::Unexpected(std::move(error));
}

core::Result<QueryResult> Connection::ExecuteParams(SqlText sql, std::span<const Param> params) {
  if (conn_ == nullptr) return core::Fail(core::ErrorCode::kUnavailable, "not connected");
  return Run(sql.c_str(), params);
}

core::Result<QueryResult> Connection::Run(const std::string& text, std::span<const Param> params) {
  if (condemned_) return core::Unexpected(*condemned_);  // never sent
  if (committed_early_) return RefuseAfterEarlyCommit();
  DrainPendingCommit();
  if (deferred_begin_ || !pipeline_.empty()) {
    const bool sent = SendInPipeline(text, params);  // a failed send is reported by the collection
    if (std::exchange(commit_with_next_, false) && sent && in_transaction_ && !transaction_wrote_) {
      if (!SendCommit()) broken_ = true;
      pipeline_.push_back({PipelineEntry::Kind::kCommit, {}, {}, false});
    }
    return CollectPipeline();
  }
  commit_with_next_ = false;
  NoteSent(text);
  ++statements_sent_;
  if (observer_) observer_(text, params);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  const int count = static_cast<int>(values.size());
  ++round_trips_;
  std::optional<core::BoundedWorkerPool::LongWait> waiting;  // as in CollectPipeline
  if (transaction_wrote_) waiting.emplace();
  if (!PreparedStatementCache::IsCacheable(text)) {
    return Finish(PQexecParams(conn_, text.c_str(), count, nullptr, values.data(), nullptr, nullptr,
                               /*resultFormat=*/0));
  }
  std::optional<std::string> name = statements_.Find(text);
  if (!name) {
    std::string fresh = statements_.NextName();
    ++round_trips_;
    auto prepared = Finish(PQprepare(conn_, fresh.c_str(), text.c_str(), count, nullptr));
    if (!prepared) return core::Unexpected(prepared.error());
    if (auto evicted = statements_.Remember(text, fresh)) {
      // The name is ours (citadel_s<n>), never input. DEALLOCATE is not
      // transactional and cannot fail for a name we prepared.
      const std::string deallocate = "DEALLOCATE " + *evicted;
      (void)Finish(PQexecParams(conn_, deallocate.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
    }
    name = std::move(fresh);
  }
  return Finish(PQexecPrepared(conn_, name->c_str(), count, values.data(), nullptr, nullptr,
                               /*resultFormat=*/0));
}

core::Result<QueryResult> Connection::ExecuteUtility(const UtilityStatement& statement) {
  if (conn_ == nullptr) return core::Fail(core::ErrorCode::kUnavailable, "not connected");
  if (condemned_) return core::Unexpected(*condemned_);
  if (committed_early_) return RefuseAfterEarlyCommit();
  commit_with_next_ = false;
  DrainPendingCommit();
  if (!pipeline_.empty()) {
    if (auto earlier = CollectPipeline(); !earlier) return earlier;
  }
  if (condemned_) return core::Unexpected(*condemned_);
  if (auto begun = SendDeferredBegin(); !begun) return begun;
  NoteSent(statement.text());
  ++round_trips_;
  // PQexecParams with no parameters still refuses multi-statement strings.
  ++statements_sent_;
  if (observer_) observer_(statement.text(), {});
  pg_result* result =
      PQexecParams(conn_, statement.text().c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
  return Finish(result);
}

core::Result<QueryResult> Connection::ExecuteComposed(const ComposedSql& statement) {
  if (conn_ == nullptr) return core::Fail(core::ErrorCode::kUnavailable, "not connected");
  return Run(statement.Text(), statement.params());
}

void Connection::DeferBegin(SqlText begin) {
  deferred_result_.reset();
  deferred_check_ = nullptr;
  condemned_.reset();
  deferred_begin_ = std::string(begin.c_str());
  in_transaction_ = transaction_wrote_ = false;
  commit_with_next_ = committed_early_ = committed_too_early_ = false;
}

bool Connection::SendCommit() {
  ++statements_sent_;
  if (observer_) observer_("COMMIT", {});
  return PQsendQueryParams(conn_, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
}

core::Result<QueryResult> Connection::RefuseAfterEarlyCommit() {
  committed_too_early_ = true;
  return core::Fail(core::ErrorCode::kInternal,
                    "the transaction was committed with its first statement; the call runs again");
}

void Connection::NoteSent(std::string_view text) {
  if (!in_transaction_ || transaction_wrote_) return;
  const auto start = text.find_first_not_of(" \t\n(");
  const std::string_view keyword = start == std::string_view::npos ? text : text.substr(start, 7);
  // "SELECT " exactly: anything else (INSERT, WITH ... which may write, a
  // utility statement) counts as a write.
  if (keyword != "SELECT " && keyword != "SELECT\n") transaction_wrote_ = true;
}

void Connection::DrainPendingCommit() {
  if (!commit_pending_) return;
  commit_pending_ = false;
  bool committed = false;
  // The answer has usually arrived by now: read what is there first, so that
  // PQgetResult finds it without polling the socket (a syscall less per call;
  // each one costs more on a VM than the work around it). If it has not,
  // PQgetResult waits for it as before.
  if (PQconsumeInput(conn_) == 0) broken_ = true;
  while (pg_result* result = PQgetResult(conn_)) {
    committed = committed || PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
  }
  // A read-only transaction's COMMIT does not fail; if it did, the session
  // is in an unknown state: never lend it again.
  if (!committed || PQstatus(conn_) != CONNECTION_OK) broken_ = true;
}

core::Result<QueryResult> Connection::SendDeferredBegin() {
  if (!deferred_begin_) return QueryResult();
  const std::string begin = std::move(*deferred_begin_);
  deferred_begin_.reset();
  in_transaction_ = true;
  ++statements_sent_;
  ++round_trips_;
  if (observer_) observer_(begin, {});
  return Finish(PQexecParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
}

core::Result<QueryResult> Connection::CommitDeferred() {
  if (!pipeline_.empty()) {
    // The deferred statement's answer: an error there has aborted the
    // transaction, and COMMIT below then reports it as a rollback.
    (void)CollectPipeline();
  }
  if (condemned_) {
    // A check said no: nothing of this transaction may be kept.
    core::Error why = *condemned_;
    (void)RollbackDeferred();
    return core::Unexpected(std::move(why));
  }
  if (deferred_begin_) {
    deferred_begin_.reset();  // nothing was sent: there is no transaction
    return QueryResult();
  }
  if (std::exchange(committed_early_, false)) return QueryResult();  // COMMIT went with the statement
  const bool read_only = in_transaction_ && !transaction_wrote_;
  in_transaction_ = transaction_wrote_ = false;
  if (!read_only || conn_ == nullptr || broken_) {
    // A write's COMMIT waits for its WAL to reach the disk: meanwhile another
    // call may run on this worker's share of the CPU.
    const core::BoundedWorkerPool::LongWait waiting;  // (transaction_wrote_ is reset)
    return Execute("COMMIT");
  }
  if (!SendCommit()) {
    broken_ = true;  // nothing was written: the transaction simply ends with the session
    return QueryResult();
  }
  commit_pending_ = true;
  return QueryResult();
}

core::Result<QueryResult> Connection::RollbackDeferred() {
  if (!pipeline_.empty()) (void)CollectPipeline();
  in_transaction_ = transaction_wrote_ = false;
  deferred_check_ = nullptr;
  condemned_.reset();
  commit_with_next_ = false;
  if (deferred_begin_) {
    deferred_begin_.reset();
    return QueryResult();
  }
  if (std::exchange(committed_early_, false)) return QueryResult();  // ended already; it only read
  return Execute("ROLLBACK");
}

void Connection::SendDeferredParams(SqlText sql, std::span<const Param> params) {
  deferred_result_.reset();
  if (conn_ == nullptr) {
    deferred_result_ = core::Fail(core::ErrorCode::kUnavailable, "not connected");
    return;
  }
  if (condemned_) {
    deferred_result_ = core::Unexpected(*condemned_);
    return;
  }
  if (committed_early_) {
    deferred_result_ = RefuseAfterEarlyCommit();
    return;
  }
  DrainPendingCommit();
  const std::size_t before = pipeline_.size();
  if (!SendInPipeline(sql.c_str(), params)) {
    (void)CollectPipeline();  // keeps the send's error for TakeDeferred
    return;
  }
  for (std::size_t i = before; i < pipeline_.size(); ++i) {
    if (pipeline_[i].kind == PipelineEntry::Kind::kStatement) pipeline_[i].deferred = true;
  }
}

core::Result<QueryResult> Connection::TakeDeferred() {
  if (!pipeline_.empty()) (void)CollectPipeline();
  if (!deferred_result_) return core::Fail(core::ErrorCode::kInternal, "no deferred statement was sent");
  core::Result<QueryResult> result = std::move(*deferred_result_);
  deferred_result_.reset();
  return result;
}

bool Connection::SendInPipeline(const std::string& text, std::span<const Param> params) {
  if (pipeline_.empty() && PQenterPipelineMode(conn_) != 1) {
    broken_ = true;
    return false;
  }
  bool sent = true;
  if (deferred_begin_) {
    const std::string begin = std::move(*deferred_begin_);
    deferred_begin_.reset();
    in_transaction_ = true;
    ++statements_sent_;
    if (observer_) observer_(begin, {});
    sent = PQsendQueryParams(conn_, begin.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
    pipeline_.push_back({PipelineEntry::Kind::kBegin, {}, {}, false});
  }
  NoteSent(text);
  ++statements_sent_;
  if (observer_) observer_(text, params);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  const int count = static_cast<int>(values.size());
  if (!PreparedStatementCache::IsCacheable(text)) {
    sent = sent && PQsendQueryParams(conn_, text.c_str(), count, nullptr, values.data(), nullptr, nullptr, 0) == 1;
  } else {
    std::optional<std::string> name = statements_.Find(text);
    for (const PipelineEntry& entry : pipeline_) {  // prepared earlier in this very pipeline
      if (!name && entry.kind == PipelineEntry::Kind::kPrepare && entry.text == text) name = entry.name;
    }
    if (!name) {
      name = statements_.NextName();
      sent = sent && PQsendPrepare(conn_, name->c_str(), text.c_str(), count, nullptr) == 1;
      pipeline_.push_back({PipelineEntry::Kind::kPrepare, text, *name, false});
    }
    sent = sent && PQsendQueryPrepared(conn_, name->c_str(), count, values.data(), nullptr, nullptr, 0) == 1;
  }
  pipeline_.push_back({PipelineEntry::Kind::kStatement, {}, {}, false});
  if (!sent) broken_ = true;  // the session's state is unknown: never lend it again
  return sent;
}

core::Result<QueryResult> Connection::CollectPipeline() {
  std::vector<PipelineEntry> entries = std::exchange(pipeline_, {});
  core::Result<QueryResult> last = QueryResult();
  ++round_trips_;
  if (broken_ || PQpipelineSync(conn_) != 1) {
    // Nothing can be read back reliably: every answer is this error.
    core::Error error = ErrorFromSqlState(sqlstate::kUnableToConnect, PQerrorMessage(conn_));
    broken_ = true;
    for (const PipelineEntry& entry : entries) {
      if (!entry.deferred) continue;
      deferred_result_ = core::Unexpected(error);
      if (DeferredCheck check = std::exchange(deferred_check_, nullptr)) {
        if (auto refused = check(*deferred_result_)) condemned_ = std::move(*refused);
      }
    }
    return core::Unexpected(std::move(error));
  }
  // A transaction that writes waits on locks, indexes and the disk: another
  // call may run on this worker's share of the CPU meanwhile.
  std::optional<core::BoundedWorkerPool::LongWait> waiting;
  if (transaction_wrote_) waiting.emplace();
  // Each statement's one result, then the NULL that closes it.
  auto next_result = [this]() -> pg_result* {
    pg_result* result = PQgetResult(conn_);
    if (result == nullptr) return nullptr;
    while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
    return result;
  };
  // A statement after a failed one is not run (PGRES_PIPELINE_ABORTED, with
  // no SQLSTATE): it reports the failed one's error, which is what happened.
  std::optional<core::Error> first_error;
  bool statement_seen = false;  // the one statement that is not deferred, always the last
  std::vector<std::string> evicted;
  for (const PipelineEntry& entry : entries) {
    pg_result* raw = next_result();
    core::Result<QueryResult> result = QueryResult();
    if (raw != nullptr && PQresultStatus(raw) == PGRES_PIPELINE_ABORTED) {
      PQclear(raw);
      result = core::Unexpected(first_error ? *first_error
                                            : core::MakeError(core::ErrorCode::kInternal,
                                                              "not run: an earlier statement of its pipeline failed"));
    } else {
      result = Finish(raw);
      if (!result && !first_error) first_error = result.error();
    }
    if (entry.kind == PipelineEntry::Kind::kCommit) {
      // Run only when every statement before it succeeded (otherwise
      // PIPELINE_ABORTED: the transaction stays open, failed, for ROLLBACK).
      if (result) {
        in_transaction_ = false;
        committed_early_ = true;
      }
    } else if (entry.kind == PipelineEntry::Kind::kPrepare && result) {
      // Prepared, even when the statement then failed.
      if (auto name = statements_.Remember(entry.text, entry.name)) evicted.push_back(std::move(*name));
    } else if (entry.kind == PipelineEntry::Kind::kStatement) {
      if (entry.deferred) {
        deferred_result_ = std::move(result);
        if (DeferredCheck check = std::exchange(deferred_check_, nullptr)) {
          if (auto refused = check(*deferred_result_)) condemned_ = std::move(*refused);
        }
      } else {
        last = std::move(result);
        statement_seen = true;
      }
    }
  }
  if (!statement_seen && first_error) last = core::Unexpected(*first_error);
  if (condemned_) last = core::Unexpected(*condemned_);
  pg_result* sync = PQgetResult(conn_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn_) != 1) broken_ = true;
  for (const std::string& name : evicted) {
    const std::string deallocate = "DEALLOCATE " + name;  // our name, never input
    (void)Finish(PQexecParams(conn_, deallocate.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
  }
  return last;
}

bool Connection::IsReusable() const {
  return conn_ != nullptr && !broken_ && !deferred_begin_ && pipeline_.empty() && PQstatus(conn_) == CONNECTION_OK &&
         (commit_pending_ || PQtransactionStatus(conn_) == PQTRANS_IDLE);
}

bool Connection::StillAlive() {
  DrainPendingCommit();
  if (!IsReusable()) return false;
  pollfd watched{PQsocket(conn_), POLLIN, 0};
  if (watched.fd < 0) return false;
  // A terminated backend sends its FATAL message, then end of file: libpq
  // takes the message with one read and sees the end only with the next.
  for (int reads = 0; reads < 8; ++reads) {
    watched.revents = 0;
    if (::poll(&watched, 1, 0) <= 0) return true;  // nothing (more) arrived: alive
    if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      return false;
    }
  }
  return true;
}

int Connection::BackendPid() const { return conn_ != nullptr ? PQbackendPID(conn_) : 0; }

}  // namespace citadel::db
