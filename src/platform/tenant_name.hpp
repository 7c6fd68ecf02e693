// Tenant names: the customer-facing name of a tenant (it becomes a host name,
// <name>.example.com, so it follows DNS label rules, lowercase only).
//
// Rules: 1 to 63 characters of [a-z0-9-], starting with a letter or digit,
// not ending with '-', and not a name reserved for Citadel's own hosts and
// services (www, api, admin, catalog, ...). The database and role behind a
// tenant never carry this name (they are opaque t_<id>), so these rules are
// about addressing and confusion, not about SQL.
//
// Pure functions without std::expected, so a libFuzzer target can call them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citadel::platform {

// Why `name` is not acceptable, or nullopt if it is.
std::optional<std::string> TenantNameProblem(std::string_view name);

bool IsReservedTenantName(std::string_view name);

}  // namespace citadel::platform
