#include "web/tenant_of_request.hpp"

#include <cctype>

#include "platform/tenant_name.hpp"

namespace citadel::web {
namespace {

std::string LowercaseAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "acme" for Host "acme.<domain>[:port]", one label only.
std::optional<std::string> TenantLabelOfHost(const std::optional<std::string>& host, std::string_view domain) {
  if (!host || domain.empty() || host->empty() || host->front() == '[') return std::nullopt;
  std::string name = LowercaseAscii(host->substr(0, host->rfind(':')));
  const std::string suffix = "." + LowercaseAscii(domain);
  if (name.size() <= suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  name.resize(name.size() - suffix.size());
  if (name.find('.') != std::string::npos || platform::TenantNameProblem(name)) return std::nullopt;
  return name;
}

}  // namespace

std::string TenantOfRequest(std::string_view db_field, const std::optional<std::string>& host,
                            std::string_view tenant_domain) {
  if (!db_field.empty() && !platform::TenantNameProblem(db_field)) return std::string(db_field);
  return TenantLabelOfHost(host, tenant_domain).value_or("");
}

bool HostNamesTenant(const std::optional<std::string>& host, std::string_view tenant_domain) {
  return TenantLabelOfHost(host, tenant_domain).has_value();
}

}  // namespace citadel::web
