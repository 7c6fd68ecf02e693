// TenantFileStores: every tenant's FileStore (orm/file_store.hpp) in one
// server process, rooted at `<root>/<tenant database>` (root is
// `<data_dir>/filestore`) and sealed under the tenant's key
// (tenant_file_sealing.hpp), read from the local key store
// (backup/tenant_key_store.hpp: `<data_dir>/keys`, unwrapped with the
// master key).
//
// One FileStore per tenant, made on first use and kept for the life of this
// object, so an Environment may borrow it for a whole call. When the key
// cannot be had (missing, destroyed, or wrapped by another master key), the
// tenant gets a store whose every read and write fails with
// kPermissionDenied and a message for the client: the call fails, the
// server and the tenant's other calls do not. The key is looked for again
// after `retry_missing_key` (a key restored from a site, or made by
// `citadel tenant create` in another process, is then found); the refusing
// store is kept too, for calls still holding it.
//
// Thread-safe: For may be called from any number of workers at once.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backup/master_key.hpp"
#include "core/clock.hpp"
#include "core/file_system.hpp"
#include "orm/file_store.hpp"

namespace citadel::platform {

struct TenantFileStoresOptions {
  std::string root;           // <data_dir>/filestore
  std::string key_directory;  // <data_dir>/keys
  orm::FileStoreOptions store;  // its `sealing` is set per tenant
  std::chrono::seconds retry_missing_key = std::chrono::seconds(10);
  // The master key in use now (BackupService::master, which reads it again
  // after a rotation); unset: the one given to the constructor, for good.
  std::function<backup::MasterKey()> current_master = nullptr;
};

class TenantFileStores {
 public:
  TenantFileStores(TenantFileStoresOptions options, backup::MasterKey master,
                   core::FileSystem& file_system = core::RealFileSystem::Instance(),
                   const core::Clock& clock = core::SystemClock::Instance());

  // The store of the tenant whose database is `tenant_db` (a name such as
  // "t_0a1b2c3d4e5f"; any other spelling gets a refusing store that touches
  // no path). Never null; valid as long as this object.
  orm::FileStore& For(const std::string& tenant_db);

 private:
  struct Entry {
    std::unique_ptr<orm::FileStore> store;
    bool sealed = false;
    std::int64_t looked_at = 0;  // unix seconds of the last key lookup
  };
  std::unique_ptr<orm::FileStore> Open(const std::string& tenant_db, bool& sealed);

  TenantFileStoresOptions options_;
  backup::MasterKey master_;
  core::FileSystem& file_system_;
  const core::Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Entry> stores_;
  // Refusing stores replaced by sealed ones: calls may still hold them.
  std::vector<std::unique_ptr<orm::FileStore>> retired_;
};

}  // namespace citadel::platform
