// UtilityStatement: the one place where SQL text is composed at run time.
//
// Why it exists: DDL such as CREATE DATABASE, CREATE ROLE or ALTER ROLE takes
// no bound parameters, yet needs names and a password. The rules, all here:
//   * fixed text only as SqlText (string literals);
//   * names only as db::Identifier (strict pattern) and, on top, quoted by
//     PQescapeIdentifier;
//   * numbers only as integers, printed by us;
//   * a password only as a SCRAM-SHA-256 verifier computed on the client by
//     PQencryptPasswordConn and quoted by PQescapeLiteral. The clear password
//     never appears in any statement, so it can reach no server log,
//     pg_stat_activity or error report.
// Nothing else can be appended, and a UtilityStatement cannot be built from a
// std::string by anyone but this builder.
//
// The builder borrows a Connection (for the server's escaping rules) and is
// used by one thread; the finished statement is an immutable value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "db/identifier.hpp"
#include "db/sql_text.hpp"

namespace citadel::db {

class Connection;

class UtilityStatement {
 public:
  const std::string& text() const { return text_; }

 private:
  friend class UtilityStatementBuilder;
  explicit UtilityStatement(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

class UtilityStatementBuilder {
 public:
  explicit UtilityStatementBuilder(const Connection& connection) : connection_(connection) {}

  UtilityStatementBuilder& Sql(SqlText fragment);
  UtilityStatementBuilder& Name(const Identifier& name);
  UtilityStatementBuilder& Integer(std::int64_t value);
  // Appends the quoted SCRAM-SHA-256 verifier of `password` for `role`.
  UtilityStatementBuilder& PasswordVerifier(const Identifier& role, std::string_view password);

  // A snapshot name as pg_export_snapshot() returns it ("00000003-0000001B-1"),
  // quoted, for SET TRANSACTION SNAPSHOT (which takes no parameter). Refused
  // unless it has exactly that shape: hex groups and a decimal counter.
  UtilityStatementBuilder& SnapshotName(std::string_view snapshot);

  // The statement, or the first error met while composing it.
  core::Result<UtilityStatement> Build();

 private:
  void Fail(std::string message);

  const Connection& connection_;
  std::string text_;
  std::optional<core::Error> error_;
};

}  // namespace citadel::db
