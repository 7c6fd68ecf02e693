#include "db/connection.hpp"

#include "db/composed_sql.hpp"

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
      observer_(std::move(other.observer_)) {
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
    observer_ = std::move(other.observer_);
  }
  return *this;
}

void Connection::Close() {
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
  statements_.Clear();  // prepared statements die with the server session
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
  ++statements_sent_;
  if (observer_) observer_(text, params);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  const int count = static_cast<int>(values.size());
  if (!PreparedStatementCache::IsCacheable(text)) {
    return Finish(PQexecParams(conn_, text.c_str(), count, nullptr, values.data(), nullptr, nullptr,
                               /*resultFormat=*/0));
  }
  std::optional<std::string> name = statements_.Find(text);
  if (!name) {
    std::string fresh = statements_.NextName();
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

bool Connection::IsReusable() const {
  return conn_ != nullptr && !broken_ && PQstatus(conn_) == CONNECTION_OK &&
         PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

bool Connection::StillAlive() {
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
