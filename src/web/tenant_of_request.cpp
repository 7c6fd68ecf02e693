#include "web/tenant_of_request.hpp"

#include "platform/tenant_name.hpp"

namespace citadel::web {

std::string TenantOfRequest(std::string_view db_field, const std::optional<std::string>& host,
                            std::string_view tenant_domain) {
  if (!db_field.empty() && !platform::TenantNameProblem(db_field)) return std::string(db_field);
  return platform::TenantOfHost(host, tenant_domain).value_or("");
}

bool HostNamesTenant(const std::optional<std::string>& host, std::string_view tenant_domain) {
  return platform::TenantOfHost(host, tenant_domain).has_value();
}

}  // namespace citadel::web
