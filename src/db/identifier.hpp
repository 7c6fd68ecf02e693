// Identifier: a PostgreSQL name (database, role) that is safe to put into DDL.
//
// Why: CREATE DATABASE / CREATE ROLE cannot bind names as parameters, so the
// names are validated against a strict pattern (^[a-z_][a-z0-9_]{0,62}$) and
// still quoted with PQescapeIdentifier when composed (utility_statement.hpp):
// two independent guards. Names that PostgreSQL reserves for itself (pg_*)
// are refused too.
//
// An immutable value type; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::db {

class Identifier {
 public:
  // kInvalidArgument unless `name` matches the pattern above.
  static core::Result<Identifier> Make(std::string_view name);

  // Why a reason and not Result: pure, cheap, usable from fuzz targets.
  static std::optional<std::string> Problem(std::string_view name);

  const std::string& str() const { return name_; }
  friend bool operator==(const Identifier&, const Identifier&) = default;

 private:
  explicit Identifier(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace citadel::db
