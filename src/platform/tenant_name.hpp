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

// The tenant a Host header names under the operator's tenant domain:
// "acme" for "Acme.erp.example.com[:port]" when the domain is
// "erp.example.com". Nothing when no domain is set, for another host, an IP
// literal, more than one label before the domain, or a label that is not a
// tenant name (so nothing else is ever looked up). The web pages and JSON-2
// (without X-Odoo-Database) both choose the tenant this way.
std::optional<std::string> TenantOfHost(const std::optional<std::string>& host, std::string_view tenant_domain);

}  // namespace citadel::platform
