// The business modules this server runs, and what they mean for tenants: the
// one place that lists them (DESIGN.md: "src/cli lists the modules
// explicitly"), and the TenantService hooks (platform/tenant_service.hpp)
// that install them into the template and set each new tenant's admin.
//
//   auto installed = LoadInstalledModules();              // once, at start
//   auto options = TenantOptions(config, *installed);     // FromConfig + hooks
//
// Building the registry checks every model and field name at start, so a
// wrong name fails here, not on a request. Immutable once built; shared by
// the hooks, which may run on any thread (one connection each).
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/result.hpp"
#include "orm/module_set.hpp"
#include "orm/registry.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::cli {

// base and contacts, in the order they are added (load order is computed).
orm::ModuleSet InstalledModules();

struct InstalledModuleSet {
  orm::ModuleSet modules;
  std::shared_ptr<const orm::Registry> registry;
  std::string versions;  // "base=18.0.1.0,contacts=18.0.1.0"
};

// InstalledModules() with their registry built and checked.
core::Result<std::shared_ptr<const InstalledModuleSet>> LoadInstalledModules();

// install_template: InstallModules on the template; initialize_tenant: the
// admin user (base.user_admin) gets the tenant's admin login and the stored
// PBKDF2 hash, through the ORM as the superuser.
platform::TenantModuleHooks ModuleHooks(std::shared_ptr<const InstalledModuleSet> installed);

// TenantServiceOptions::FromConfig with the module hooks set.
platform::TenantServiceOptions TenantOptions(const core::ServerConfig& config,
                                             std::shared_ptr<const InstalledModuleSet> installed);

}  // namespace citadel::cli
