// Test-only shorthands the ORM's tests share: a field definition in one call,
// a Value from JSON text, and the admin uid of the pg tests' databases.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "orm/model_def.hpp"
#include "orm/value.hpp"

namespace citadel::orm::testing {

// uid 1: the admin the pg tests' fixtures create and act as.
inline constexpr std::int64_t kAdmin = 1;

// A Value from JSON text: J(R"({"name": "x"})").
inline Value J(const char* json) { return Value::parse(json); }

// A field named `name` of `type` (`comodel`: a relational field's model).
inline FieldDef F(std::string name, FieldType type, std::string comodel = "") {
  FieldDef f;
  f.name = std::move(name);
  f.type = type;
  f.comodel = std::move(comodel);
  return f;
}

}  // namespace citadel::orm::testing
