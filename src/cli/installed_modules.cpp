#include "cli/installed_modules.hpp"

#include "cli/backup_session.hpp"
#include "core/logger.hpp"
#include "modules/base/base_module.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"
#include "orm/module_installer.hpp"
#include "orm/record_set.hpp"
#include "platform/tenant_key_creation.hpp"

namespace citadel::cli {
namespace {

constexpr std::int64_t kSuperuser = 1;  // base.user_root, Odoo's SUPERUSER_ID

// Sets base.user_admin's login and hash in the tenant's transaction. The
// hash was computed by the platform from the admin password (and is all the
// catalog ever kept), so it is stored as it is, with fixed SQL: writing it to
// res.users.password through the ORM would hash it again (base hashes what
// clients write there).
core::Result<void> SetAdmin(const InstalledModuleSet& installed, db::Connection& tenant_db,
                            const platform::CreateTenantRequest& request, std::string_view hash) {
  auto admin = tenant_db.Execute(
      "SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'user_admin' AND model = "
      "'res.users'");
  if (!admin) return core::Unexpected(admin.error());
  if (admin->rows() != 1) {
    return core::Fail(core::ErrorCode::kInternal, "the tenant template has no base.user_admin");
  }
  const std::int64_t id = std::stoll(admin->Text(0, "res_id"));
  try {
    const orm::Environment env = orm::Environment(installed.registry, tenant_db, kSuperuser).Sudo();
    orm::RecordSet::Of(env, "res.users")
        .Browse({id})
        .Write({{"login", request.admin_login}});
  } catch (const std::exception& e) {
    return core::Fail(core::ErrorCode::kInternal, std::string("setting the admin user: ") + e.what());
  }
  auto stored = tenant_db.Execute("UPDATE res_users SET password = $1 WHERE id = $2", std::string(hash), id);
  if (!stored) return core::Unexpected(stored.error());
  return {};
}

}  // namespace

orm::ModuleSet InstalledModules() {
  orm::ModuleSet modules;
  modules.Add(modules::BaseModule());
  modules.Add(modules::ContactsModule());
  return modules;
}

core::Result<std::shared_ptr<const InstalledModuleSet>> LoadInstalledModules() {
  auto installed = std::make_shared<InstalledModuleSet>();
  installed->modules = InstalledModules();
  auto registry = installed->modules.BuildRegistry();
  if (!registry) return core::Unexpected(registry.error());
  installed->registry = std::move(*registry);
  for (const auto& [name, version] : orm::ModuleVersions(installed->modules)) {
    installed->versions += (installed->versions.empty() ? "" : ",") + name + "=" + version;
  }
  return std::shared_ptr<const InstalledModuleSet>(std::move(installed));
}

platform::TenantModuleHooks ModuleHooks(std::shared_ptr<const InstalledModuleSet> installed) {
  platform::TenantModuleHooks hooks;
  hooks.versions = installed->versions;
  hooks.install_template = [installed](db::Connection& template_db) -> core::Result<void> {
    orm::InstallOptions options;
    options.registry = installed->registry;
    auto report = orm::InstallModules(template_db, installed->modules, options);
    if (!report) return core::Unexpected(report.error());
    core::Log().Info("tenant template modules installed", {{"modules", orm::DescribeInstall(*report)}});
    // Tenants are cloned from it: what its schema lacks, new tenants lack.
    for (const auto& warning : report->schema.declaration_warnings) {
      core::Log().Warn("modules schema warning", {{"warning", warning}});
    }
    for (const auto& warning : report->schema.warnings) {
      core::Log().Warn("tenant template schema warning", {{"warning", warning}});
    }
    return {};
  };
  hooks.initialize_tenant = [installed](db::Connection& tenant_db,
                                        const platform::CreateTenantRequest& request,
                                        std::string_view admin_hash) {
    return SetAdmin(*installed, tenant_db, request, admin_hash);
  };
  return hooks;
}

platform::TenantServiceOptions TenantOptions(const core::ServerConfig& config,
                                             std::shared_ptr<const InstalledModuleSet> installed) {
  platform::TenantServiceOptions options = platform::TenantServiceOptions::FromConfig(config);
  options.modules = ModuleHooks(std::move(installed));
  // Every new tenant gets its key at once: it seals the tenant's file store.
  options.create_tenant_key = platform::MakeTenantKeyCreator(BackupOptions(config));
  return options;
}

}  // namespace citadel::cli
