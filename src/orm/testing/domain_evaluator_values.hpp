// Test-only, internal to the evaluator: what one condition on one stored
// column means for one value of that column, and PostgreSQL's LIKE. Pure.
#pragma once

#include <string>

#include "orm/domain.hpp"

namespace citadel::orm::testing::evaluator {

// SQL's three truth values; AND is the minimum, OR the maximum.
enum class Truth { kFalse = 0, kUnknown = 1, kTrue = 2 };
inline Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }
Truth Not(Truth t);

// Odoo's truthiness: false, 0, "" and empty lists are "not set".
bool Truthy(const Value& v);

// `cell` (null: NULL) of `field` against `op value`, for every operator
// that compares a column: =, !=, <, >, <=, >=, like family, in, not in
// (=? is settled by the caller).
Truth ColumnCondition(const Field& field, DomainOperator op, const Value& value, const Value& cell);

// PostgreSQL's `text LIKE pattern` ('%', '_', '\' escapes), optionally
// case-insensitive (ASCII, as the test data is).
bool LikeMatches(const std::string& text, const std::string& pattern, bool ignore_case);

}  // namespace citadel::orm::testing::evaluator
