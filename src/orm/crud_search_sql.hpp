// Internal to the CRUD files: the SQL of a search after its select list,
// which Search, SearchCount and SearchRead write their SELECT in front of.
// Building it is where a search passes AccessGuard: the model's read right,
// the read access of every field the domain and the order name (searching
// and sorting are reading), and the read rules compiled into the WHERE.
//
// Pure functions of their arguments and the Environment's rights (which the
// guard may query on the Environment's connection); same thread as it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "db/composed_sql.hpp"
#include "orm/environment.hpp"
#include "orm/registry.hpp"
#include "orm/value.hpp"

namespace citadel::orm::crud {

// ` FROM <table> AS t0 WHERE (<domain, with active_test>) AND (<read rules>)`.
// AccessError without the read right; ValidationError for a bad domain.
db::ComposedSql SearchFromWhere(const Environment& env, const Model& model, const Value& domain);

// SearchFromWhere, then ` ORDER BY <order or the model's>, id LIMIT $n OFFSET $m`
// (id last unless named, so that pages neither repeat nor skip rows).
// Checked in this order: offset and limit (ValidationError when negative),
// the domain, the order (ValidationError when malformed, AccessError for a
// field the user may not read).
db::ComposedSql SearchFromWhereOrderPage(const Environment& env, const Model& model,
                                         const Value& domain, std::int64_t offset,
                                         std::optional<std::int64_t> limit, std::string_view order);

}  // namespace citadel::orm::crud
