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
#include <variant>
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

  bool empty() const { return pieces_.empty(); }
  // The text with $1..$n in order of appearance, and the values to bind.
  std::string Text() const;
  const std::vector<Param>& params() const { return params_; }

 private:
  struct ParamRef {
    std::size_t index;
  };
  std::vector<std::variant<std::string, ParamRef>> pieces_;
  std::vector<Param> params_;
};

}  // namespace citadel::db
