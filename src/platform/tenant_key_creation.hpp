// The key a tenant gets when it is created (TenantServiceOptions::
// create_tenant_key): one random 256-bit key in the tenant key store
// (backup/tenant_key_store.hpp), locally and on every backup site, which
// seals the tenant's file store (tenant_file_sealing.hpp) and wraps the data
// key of each of its backups. Made at creation, not at first backup, because
// the first binary value a client writes needs it.
//
// The master key is loaded (or, for the embedded default, made) at each
// creation, as `citadel backup` does; the sites are opened from the catalog.
// A site that cannot be opened or written does not stop the creation: the
// key is then local only, and the next `citadel site add` or key
// replication copies it (logged as a warning). One call at a time per
// process is enough (creations are rare); not thread-safe beyond that.
#pragma once

#include <functional>
#include <string>

#include "core/result.hpp"
#include "platform/backup_service.hpp"

namespace citadel::platform {

using TenantKeyCreator = std::function<core::Result<void>(TenantService& service, const std::string& tenant_db)>;

// A creator that keeps keys where `options` says (key_directory,
// master_key_path, create_master_key). An existing key is kept.
TenantKeyCreator MakeTenantKeyCreator(BackupServiceOptions options);

// The key of `tenant_db`, made now if it has none (a tenant restored
// beside, when the service made none). Never makes a key for a tenant whose
// key was destroyed.
core::Result<backup::TenantKey> GetOrCreateTenantKey(backup::TenantKeyStore& keys, const std::string& tenant_db);

}  // namespace citadel::platform
