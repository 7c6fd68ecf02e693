// Taking the next number of an ir.sequence, as Odoo 18's
// ir.sequence.next_by_code (C++ only for now, not exposed to RPC).
//
// The number is taken by one UPDATE ... RETURNING on the sequence's row in
// the caller's transaction: a concurrent caller waits for the row lock and,
// under REPEATABLE READ, fails with a serialization error that
// TransactionRunner retries, so committed numbers have no gaps and no
// duplicates whatever the implementation ('standard' behaves as 'no_gap':
// Citadel keeps no PostgreSQL sequence objects per ir.sequence).
//
// The sequence is the active one with `code` whose company is the current
// company (AccessGuard::CurrentCompanyId) or none, the company's first, as
// Odoo's search(order='company_id'). The caller needs read access on
// ir.sequence (Odoo's check_access('read')); the row itself is then read and
// updated without rules, as Odoo does in sudo.
//
// Prefix and suffix interpolate Odoo's %(year)s %(month)s %(day)s %(y)s
// %(doy)s %(woy)s %(weekday)s %(h24)s %(h12)s %(min)s %(sec)s (and their
// range_ and current_ forms) from the context's ir_sequence_date
// ("YYYY-MM-DD[ HH:MM:SS]") or now, in UTC; %% is a percent sign. Anything
// else is a UserError "Invalid prefix or suffix for sequence “<name>”".
//
// Not thread-safe beyond its Environment (one call, one thread).
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "orm/environment.hpp"

namespace citadel::modules::base {

// The next value, prefix + zero-padded number + suffix; "" when no sequence
// has this code (Odoo returns False).
std::string NextSequenceValue(const orm::Environment& env, std::string_view code);

// Interpolates `text` (a prefix or suffix) at `when` (UTC). Exposed for tests.
std::string InterpolateSequenceAffix(const std::string& text, const std::tm& when,
                                     const std::string& sequence_name);

}  // namespace citadel::modules::base
