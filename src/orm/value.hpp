// The values the ORM takes and returns: a JSON-like tree (null, booleans,
// integers, floats, strings, arrays, objects), which is exactly what Odoo's
// external API carries over both XML-RPC and JSON-RPC. nlohmann::json is that
// tree, from a well-kept library, so the codecs, the ORM and the tests share
// one type. Conventions, as Odoo's: `false` is an empty value; dates are
// "YYYY-MM-DD" and datetimes "YYYY-MM-DD HH:MM:SS" (UTC) strings; a many2one
// reads as [id, display_name]; x2many as a list of ids.
//
// Monetary amounts are stored exactly (PostgreSQL numeric) and cross the API as
// numbers, as Odoo's do; arithmetic on them happens in SQL or on decimal text,
// never on C++ doubles.
#pragma once

#include <nlohmann/json.hpp>

namespace citadel::orm {

using Value = nlohmann::ordered_json;

// null, false or "": what a field that holds nothing is given as.
inline bool IsEmptyValue(const Value& value) {
  return value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
         (value.is_string() && value.get_ref<const std::string&>().empty());
}

}  // namespace citadel::orm
