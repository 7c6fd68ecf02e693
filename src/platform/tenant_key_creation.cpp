#include "platform/tenant_key_creation.hpp"

#include <filesystem>

#include "backup/tenant_key_store.hpp"
#include "core/logger.hpp"

namespace citadel::platform {

core::Result<backup::TenantKey> GetOrCreateTenantKey(backup::TenantKeyStore& keys, const std::string& tenant_db) {
  auto key = keys.Get(tenant_db);
  if (key || key.error().code != core::ErrorCode::kNotFound) return key;
  return keys.Create(tenant_db);
}

TenantKeyCreator MakeTenantKeyCreator(BackupServiceOptions options) {
  return [options = std::move(options)](TenantService& service, const std::string& tenant_db) -> core::Result<void> {
    auto master = backup::LoadMasterKey(options.master_key_path);
    if (!master && master.error().code == core::ErrorCode::kNotFound && options.create_master_key) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(options.master_key_path).parent_path(), ec);
      master = backup::CreateMasterKeyFile(options.master_key_path);
    }
    if (!master) return core::Unexpected(master.error());
    BackupCatalog catalog(service);
    auto opened = OpenSitesAndKeys(catalog, options, *master);
    std::unique_ptr<backup::TenantKeyStore> local_only;
    backup::TenantKeyStore* keys = nullptr;
    if (opened) {
      keys = opened->keys.get();
    } else {
      core::Log().Warn("the backup sites cannot be opened; the new tenant's key is kept locally until the next key "
                       "replication",
                       {{"tenant_db", tenant_db}, {"error", opened.error().message}});
      local_only = std::make_unique<backup::TenantKeyStore>(options.key_directory, *master,
                                                            std::vector<backup::NamedSite>{});
      keys = local_only.get();
    }
    std::vector<backup::SiteOutcome> outcomes;
    auto created = keys->Create(tenant_db, &outcomes);
    if (!created && created.error().code != core::ErrorCode::kAlreadyExists) {
      return core::Unexpected(created.error());
    }
    for (const auto& outcome : outcomes) {
      if (!outcome.ok) {
        core::Log().Warn("the new tenant's key could not be copied to a backup site yet",
                         {{"tenant_db", tenant_db}, {"site", outcome.site}, {"error", outcome.detail}});
      }
    }
    return {};
  };
}

}  // namespace citadel::platform
