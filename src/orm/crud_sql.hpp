// Small pieces of generated SQL shared by the access guard and the CRUD
// files: registry names as identifiers, id and text arrays as one bound
// parameter each. Nothing here takes SQL text from input.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "db/composed_sql.hpp"
#include "db/identifier.hpp"
#include "orm/registry.hpp"

namespace citadel::orm::crud_sql {

// A name the registry validated (table, column, link table); throws
// std::logic_error for anything else, which would be a registry bug.
db::Identifier Name(std::string_view registry_name);

// The alias every CRUD statement gives the model's table.
const db::Identifier& RootAlias();

// "{1,2,3}": ids as one array parameter, used as `= ANY($n::int8[])`.
db::Param IdArray(std::span<const std::int64_t> ids);
// Every element double-quoted with '"' and '\' escaped, so the array input
// function reads back exactly these strings.
db::Param TextArray(std::span<const std::string> values);

// ` = $n::int8` for one id, ` = ANY($n::int8[])` for several: what follows
// an int8 column to keep the rows whose value is one of `ids`.
// Why two forms: PostgreSQL's generic plan for ANY($n) assumes an array of
// several elements, costs more than the custom plan for one id, and so is
// never chosen: every call by one id (read, write, the rule check) was
// planned again (11 relation-size lseeks per read at c=8, session 15). The
// generic plan for `= $n` costs what the custom one does, so after five
// executions the prepared statement keeps it.
db::ComposedSql EqualsAnyOf(std::span<const std::int64_t> ids);

// `<alias>."id"` followed by EqualsAnyOf(ids).
db::ComposedSql IdIn(const db::Identifier& alias, std::span<const std::int64_t> ids);

// The ids in the first column of a result.
std::vector<std::int64_t> IdsOf(const db::QueryResult& result, int column = 0);

}  // namespace citadel::orm::crud_sql
