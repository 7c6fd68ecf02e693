// Names and declarations of the schema sync, as Odoo 18 spells them:
//   * PostgresName: a generated name that fits PostgreSQL's 63 bytes, as
//     odoo.tools.sql.make_identifier (54 characters, '_', crc32 in hex), so
//     an index or constraint has the same name here as on an Odoo database;
//   * IndexNameOf: "<table>__<column>_index" (make_index_name);
//   * SqlConstraintNameOf: "<table>_<key>" (models._add_sql_constraints);
//   * ParseSqlConstraint: a module's SqlConstraint definition, read through a
//     small grammar instead of being pasted into DDL.
//
// Why a grammar: SqlConstraint::definition is fixed text in a module's
// source, but ComposedSql takes no text that is not a literal, and a general
// "trusted text" escape hatch would be one forever. So only what can be
// rebuilt from registry names is accepted: `unique(col, col...)` (any case,
// any spacing), whose columns are checked against the model. `check(...)` is
// recognised and reported as not installed yet (it needs an expression
// grammar of its own); anything else is refused.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace citadel::orm {

inline constexpr std::size_t kMaxPostgresNameLength = 63;

std::string PostgresName(std::string_view name);
std::string IndexNameOf(std::string_view table, std::string_view column);
std::string SqlConstraintNameOf(std::string_view table, std::string_view key);

struct ParsedSqlConstraint {
  enum class Kind { kUnique, kCheck };
  Kind kind = Kind::kUnique;
  std::vector<std::string> columns;  // kUnique: in declaration order
};

// kInvalidArgument when the definition is neither form, or a unique() list is
// malformed (empty, a name that is no identifier, a name twice).
core::Result<ParsedSqlConstraint> ParseSqlConstraint(std::string_view definition);

}  // namespace citadel::orm
