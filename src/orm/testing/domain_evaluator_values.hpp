// Test-only, internal to the evaluator: what one leaf on one stored column
// (or `id`) means for one value of that column, as Odoo 18 states it, and
// PostgreSQL's LIKE. Works on the leaf as the client wrote it (operator
// spelled as in Odoo, value raw: null, false, 0, lists), doing Odoo's value
// handling itself. Pure.
#pragma once

#include <string>

#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::testing::evaluator {

// SQL's three truth values; AND is the minimum, OR the maximum.
enum class Truth { kFalse = 0, kUnknown = 1, kTrue = 2 };
inline Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }
Truth Not(Truth t);

// `cell` (null: NULL) of `field` against `op value`, for =, !=, <, >, <=,
// >=, like, not like, ilike, not ilike, =like, =ilike, in, not in ('=?' is
// settled by the caller). Throws std::invalid_argument for a value Odoo
// would fail on.
Truth ColumnCondition(const Field& field, const std::string& op, const Value& value, const Value& cell);

// PostgreSQL's `text LIKE pattern` ('%', '_', '\' escapes), optionally
// case-insensitive (ASCII, as the test data is).
bool LikeMatches(const std::string& text, const std::string& pattern, bool ignore_case);

}  // namespace citadel::orm::testing::evaluator
