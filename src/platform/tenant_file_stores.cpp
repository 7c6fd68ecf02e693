#include "platform/tenant_file_stores.hpp"

#include "backup/tenant_key_store.hpp"
#include "core/logger.hpp"
#include "platform/tenant_file_sealing.hpp"

namespace citadel::platform {
namespace {

// What a client reads when its tenant's files cannot be opened: no path, no
// key id, nothing about other tenants.
std::string UnavailableReason(const core::Error& error) {
  if (error.code == core::ErrorCode::kPermissionDenied) {
    return "the encryption key of this database's file store was destroyed";
  }
  if (error.code == core::ErrorCode::kNotFound) {
    return "the encryption key of this database's file store is missing";
  }
  return "the encryption key of this database's file store cannot be opened";
}

}  // namespace

TenantFileStores::TenantFileStores(TenantFileStoresOptions options, backup::MasterKey master,
                                   core::FileSystem& file_system, const core::Clock& clock)
    : options_(std::move(options)), master_(std::move(master)), file_system_(file_system), clock_(clock) {
  options_.store.sealing = nullptr;
}

std::unique_ptr<orm::FileStore> TenantFileStores::Open(const std::string& tenant_db, bool& sealed) {
  orm::FileStoreOptions store_options = options_.store;
  sealed = false;
  auto refuse = [&](const core::Error& error) {
    core::Log().Error("a tenant's file store cannot be opened",
                      {{"tenant_db", tenant_db}, {"error", error.message}});
    store_options.sealing = std::make_shared<UnavailableFileSealing>(UnavailableReason(error));
    // Every operation fails in the sealing before it touches a path.
    return std::make_unique<orm::FileStore>(options_.root + "/unavailable", file_system_, store_options, clock_);
  };
  // The name becomes a path: only the key store's shape ([a-z0-9_]) passes.
  if (auto valid = backup::CheckKeyTenantName(tenant_db); !valid) return refuse(valid.error());
  // The local records only: a lookup on a call's path never waits for a site.
  backup::TenantKeyStore keys(options_.key_directory,
                              options_.current_master ? options_.current_master() : master_, {});
  auto key = keys.Get(tenant_db);
  if (!key) return refuse(key.error());
  store_options.sealing = std::make_shared<TenantFileSealing>(key->bytes);
  sealed = true;
  return std::make_unique<orm::FileStore>(options_.root + "/" + tenant_db, file_system_, store_options, clock_);
}

orm::FileStore& TenantFileStores::For(const std::string& tenant_db) {
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_.UnixSeconds();
  auto it = stores_.find(tenant_db);
  if (it != stores_.end() &&
      (it->second.sealed || now - it->second.looked_at < options_.retry_missing_key.count())) {
    return *it->second.store;
  }
  Entry entry;
  entry.store = Open(tenant_db, entry.sealed);
  entry.looked_at = now;
  if (it == stores_.end()) {
    it = stores_.emplace(tenant_db, std::move(entry)).first;
  } else {
    retired_.push_back(std::move(it->second.store));
    it->second = std::move(entry);
  }
  return *it->second.store;
}

}  // namespace citadel::platform
