// What every `citadel tenant ...` command opens, in order, and closes in
// reverse: the configuration, the cluster (embedded or external), the
// installed modules and the TenantService (whose Open brings the template
// to the modules' versions). Defined in tenant_commands.cpp. One thread.
#pragma once

#include <memory>

#include "cli/cluster_session.hpp"
#include "cli/command_line.hpp"
#include "cli/installed_modules.hpp"
#include "core/result.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {

struct TenantSession {
  std::unique_ptr<ClusterSession> cluster;
  std::shared_ptr<const InstalledModuleSet> installed;
  std::unique_ptr<platform::TenantService> tenants;
  ~TenantSession() {
    tenants.reset();  // its pools close before the cluster stops
    cluster.reset();
  }
};

core::Result<std::unique_ptr<TenantSession>> OpenTenants(const CommonOptions& common);

}  // namespace citadel::cli
