// ComposedSql: SQL that the ORM generates at run time (SELECT/INSERT/UPDATE
// with the registry's tables and columns, DDL of the schema sync).
//
// Why it is safe: the text can only grow by
//   * fixed fragments, as SqlText (string literals, see sql_text.hpp);
//   * names, as db::Identifier (strict pattern ^[a-z_][a-z0-9_]{0,62}$),
//     always double-quoted; the pattern admits no quote, so no escaping is
//     needed and reserved words ("order", "user") are fine as columns;
//   * values, as bound parameters: the text gets "$n", the value travels apart;
//   * integers printed by us (for DDL such as varchar(64), where PostgreSQL
//     takes no parameter);
//   * another ComposedSql, whose parameters are renumbered.
// There is no way to append a std::string. Execute with
// Connection::ExecuteComposed.
//
// A value type; not thread-safe while being built, immutable after.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "db/identifier.hpp"
#include "db/sql_text.hpp"

namespace citadel::db {

class ComposedSql {
 public:
  ComposedSql() = default;
  explicit ComposedSql(SqlText fragment) { Sql(fragment); }

  ComposedSql& Sql(SqlText fragment);
  ComposedSql& Name(const Identifier& name);
  // alias.column, both quoted.
  ComposedSql& Qualified(const Identifier& alias, const Identifier& column);
  ComposedSql& Value(Param value);
  ComposedSql& Integer(std::int64_t value);
  ComposedSql& Append(const ComposedSql& other);

  bool empty() const { return !composed_; }
  // The text with $1..$n in order of appearance, and the values to bind.
  std::string Text() const;
  const std::vector<Param>& params() const { return params_; }

 private:
  // The text so far, each parameter's place marked by kParamMark (SqlText
  // refuses that byte at compile time, identifiers and integers cannot hold
  // it): the n-th mark is the n-th of params_, since both grow together and
  // Append appends both. One string rather than a piece per call: a read
  // composed ~30 pieces, each its own allocation (callgrind, session 16).
  static constexpr char kParamMark = '\x01';
  std::string text_;
  std::vector<Param> params_;
  bool composed_ = false;  // anything appended, an empty fragment too
};

}  // namespace citadel::db
