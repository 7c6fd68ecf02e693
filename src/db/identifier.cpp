#include "db/identifier.hpp"

namespace citadel::db {

std::optional<std::string> Identifier::Problem(std::string_view name) {
  if (name.empty()) return "an identifier cannot be empty";
  if (name.size() > 63) return "an identifier has at most 63 characters";
  const char first = name.front();
  if (!((first >= 'a' && first <= 'z') || first == '_')) {
    return "an identifier starts with a lowercase letter or '_'";
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return "an identifier has only lowercase letters, digits and '_'";
  }
  if (name.starts_with("pg_")) return "names starting with pg_ are reserved by PostgreSQL";
  return std::nullopt;
}

core::Result<Identifier> Identifier::Make(std::string_view name) {
  if (auto problem = Problem(name)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, *problem);
  }
  return Identifier(std::string(name));
}

}  // namespace citadel::db
