#include "platform/tenant_name.hpp"

#include <algorithm>
#include <array>

namespace citadel::platform {
namespace {

// Host names Citadel or an operator uses for itself, and names that would
// read as the system's own. "demo" is deliberately not here: it is a fine
// name for a customer's trial database.
constexpr std::array<std::string_view, 26> kReserved = {
    "admin",   "api",       "app",      "assets", "auth",     "catalog",  "citadel",
    "cdn",     "dashboard", "db",       "ftp",    "health",   "imap",     "localhost",
    "login",   "mail",      "metrics",  "pop",    "portal",   "postgres", "smtp",
    "static",  "status",    "support",  "template", "www"};

}  // namespace

bool IsReservedTenantName(std::string_view name) {
  return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

std::optional<std::string> TenantNameProblem(std::string_view name) {
  if (name.empty()) return "a tenant name cannot be empty";
  if (name.size() > 63) return "a tenant name has at most 63 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return "a tenant name has only lowercase letters, digits and '-'";
  }
  if (name.front() == '-') return "a tenant name starts with a letter or a digit";
  if (name.back() == '-') return "a tenant name cannot end with '-'";
  if (IsReservedTenantName(name)) {
    return "'" + std::string(name) + "' is reserved; choose another tenant name";
  }
  return std::nullopt;
}

}  // namespace citadel::platform
