// The `demo` tenant that the first start of `citadel serve` creates, so that a
// newcomer has something to log in to. Its generated password is returned
// (to be printed once) only when it was just created; a marker file in the
// data directory records that the first start happened, so a later start never
// creates it again, even after an operator dropped it on purpose.
#pragma once

#include <optional>
#include <string>

#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {

struct DemoCredentials {
  std::string tenant;
  std::string login;
  std::string password;
};

core::Result<std::optional<DemoCredentials>> EnsureDemoTenantOnFirstStart(
    const std::string& data_dir, platform::TenantService& tenants);

}  // namespace citadel::cli
