#include "cli/demo_tenant.hpp"

#include "core/file_system.hpp"
#include "core/logger.hpp"
#include "core/random.hpp"

namespace citadel::cli {

core::Result<std::optional<DemoCredentials>> EnsureDemoTenantOnFirstStart(
    const std::string& data_dir, platform::TenantService& tenants) {
  auto& fs = core::RealFileSystem::Instance();
  const std::string marker = data_dir + "/demo-tenant-created";
  if (fs.Exists(marker)) return std::optional<DemoCredentials>();

  std::optional<DemoCredentials> created;
  auto existing = tenants.Get("demo");
  if (!existing && existing.error().code == core::ErrorCode::kNotFound) {
    DemoCredentials demo{"demo", "admin", core::RandomPassword(20)};
    auto made = tenants.Create({demo.tenant, demo.login, demo.password});
    if (!made) return core::Unexpected(made.error());
    core::Log().Info("demo tenant created", {{"tenant", demo.tenant}});
    created = std::move(demo);
  } else if (!existing) {
    return core::Unexpected(existing.error());
  }
  // Written after the tenant exists: a crash in between only means the next
  // start finds the tenant and writes the marker without a new password.
  if (auto written = fs.WriteFileAtomic(marker, "the demo tenant was created on first start\n", 0600);
      !written) {
    return core::Unexpected(written.error());
  }
  return created;
}

}  // namespace citadel::cli
