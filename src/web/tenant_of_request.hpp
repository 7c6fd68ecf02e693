// Which tenant a browser page is for: the `db` field of its form or query
// when it names one, else the Host name under [server] tenant_domain
// ("acme.erp.example.com" -> "acme"), else none (the page asks for it).
// A `db` that breaks the tenant-name rules (platform/tenant_name.hpp) is
// treated as absent, so nothing but a plausible name is ever looked up,
// shown back or put in a link. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citadel::web {

std::string TenantOfRequest(std::string_view db_field, const std::optional<std::string>& host,
                            std::string_view tenant_domain);

// Whether the tenant comes from the Host (the page need not ask for it).
bool HostNamesTenant(const std::optional<std::string>& host, std::string_view tenant_domain);

}  // namespace citadel::web
