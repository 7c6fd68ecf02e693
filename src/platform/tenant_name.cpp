#include "platform/tenant_name.hpp"

#include <algorithm>
#include <array>
#include <cctype>

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

std::optional<std::string> TenantOfHost(const std::optional<std::string>& host, std::string_view tenant_domain) {
  if (!host || tenant_domain.empty() || host->empty() || host->front() == '[') return std::nullopt;
  const auto lowercase = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  std::string name = lowercase(std::string_view(*host).substr(0, host->rfind(':')));
  const std::string suffix = "." + lowercase(tenant_domain);
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  name.resize(name.size() - suffix.size());
  if (name.find('.') != std::string::npos || TenantNameProblem(name)) return std::nullopt;
  return name;
}

}  // namespace citadel::platform
