// Internal to method_dispatch.cpp: Python's binding of positional and keyword
// arguments to a method's signature, with Python's TypeError wording, and the
// conversions of bound values to the RecordSet API's types. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "orm/value.hpp"

namespace citadel::orm::method_arguments {

struct Parameter {
  std::string_view name;
  std::optional<Value> fallback;  // nullopt: required
};

// The value of each parameter, in order (ArgumentError, as Python's
// TypeError, for too many positional arguments, a missing required one, an
// unknown keyword, or one given twice). `method` names it in messages.
std::vector<Value> Bind(std::string_view method, std::span<const Parameter> parameters,
                        const Value& args, const Value& kwargs);

// Odoo's falsy values: null, false, 0, "", [], {}.
bool Falsy(const Value& value);

// Conversions; ArgumentError naming the method and parameter otherwise.
std::vector<std::string> Strings(std::string_view method, std::string_view parameter, const Value& value);
std::int64_t Integer(std::string_view method, std::string_view parameter, const Value& value);
std::optional<std::int64_t> Limit(std::string_view method, std::string_view parameter, const Value& value);
std::string Text(std::string_view method, std::string_view parameter, const Value& value);
// Record ids: an int, a list of ints, or a falsy value (no records).
std::vector<std::int64_t> Ids(std::string_view method, const Value& value);

}  // namespace citadel::orm::method_arguments
