// Connection: one libpq connection, executing statements with bound parameters.
//
// Owns its PGconn (closed on destruction); move-only. Not thread-safe: one
// thread at a time, which the pool (connection_pool.hpp) guarantees by lending
// a connection to one caller. Statements are SqlText (string literals only)
// with values bound as text parameters ($1...), so no value is ever parsed as
// SQL; PQexecParams also refuses several statements in one string. DDL with
// identifiers goes through ExecuteUtility (utility_statement.hpp).
//
// Failures are core::Error as described in error.hpp. A failure that lost the
// connection marks it broken, and the pool then discards it.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "db/query_result.hpp"
#include "db/sql_text.hpp"

struct pg_conn;

namespace citadel::db {

class UtilityStatement;

// A parameter value in PostgreSQL's text format; nullopt is SQL NULL.
using Param = std::optional<std::string>;

inline Param ToParam(std::string_view v) { return std::string(v); }
inline Param ToParam(const std::string& v) { return v; }
inline Param ToParam(const char* v) { return std::string(v); }
inline Param ToParam(bool v) { return std::string(v ? "true" : "false"); }
inline Param ToParam(std::nullopt_t) { return std::nullopt; }
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>)
Param ToParam(T v) {
  return std::to_string(v);
}
template <class T>
Param ToParam(const std::optional<T>& v) {
  return v ? ToParam(*v) : std::nullopt;
}

inline constexpr std::chrono::seconds kDefaultConnectTimeout{10};

class Connection {
 public:
  // Not connected; only useful as a moved-to target or in pool unit tests.
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects with a DSN ("key=value ..." or a URI). A connect_timeout in the
  // DSN wins over `connect_timeout`. kUnavailable on failure; the message
  // never repeats the DSN.
  static core::Result<Connection> Open(const std::string& dsn,
                                       std::chrono::seconds connect_timeout = kDefaultConnectTimeout);

  core::Result<QueryResult> ExecuteParams(SqlText sql, std::span<const Param> params);

  template <class... Args>
  core::Result<QueryResult> Execute(SqlText sql, const Args&... args) {
    const Param params[] = {Param(), ToParam(args)...};
    return ExecuteParams(sql, std::span<const Param>(params).subspan(1));
  }

  core::Result<QueryResult> ExecuteUtility(const UtilityStatement& statement);

  bool connected() const { return conn_ != nullptr; }
  // Connected, not broken, and not inside a transaction: safe to lend again.
  bool IsReusable() const;
  // The server process serving this connection (pg_backend_pid), 0 if none.
  int BackendPid() const;

  // For utility_statement.cpp, which needs the connection to escape names
  // and encrypt passwords for this server. Never null while connected().
  pg_conn* native_handle() const { return conn_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  core::Result<QueryResult> Finish(pg_result* result);
  void Close();

  pg_conn* conn_ = nullptr;
  bool broken_ = false;
};

}  // namespace citadel::db
