// TenantService: the one entry point for tenants, for the CLI and the server.
//
//   auto access = cluster.Access();            // db::EmbeddedCluster, or
//   auto access = db::ExternalClusterAccess::Make(dsn, "default");
//   auto tenants = TenantService::Open(access, TenantServiceOptions::FromConfig(config));
//   tenants->Create({"acme", "admin", password});
//   auto conn = tenants->Acquire("acme");       // a pooled connection as acme's role
//
// Open() connects as the provisioning role, creates and migrates the catalog
// and prepares the template, under a cluster-wide advisory lock so several
// processes may start at once. Create clones the template (no initdb): well
// under a second, apart from hashing the admin password (PBKDF2 at the
// configured rounds, ~0.5 s at 600,000), which callers on I/O threads must
// run on a worker pool like any other call here: every method blocks on
// PostgreSQL.
//
// Ownership: the service owns its catalog connections and the tenants' pool
// group (Pools() for metrics). Thread-safe: all methods may be called
// concurrently; connections are pooled.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/file_system.hpp"
#include "core/logger.hpp"
#include "core/password_hasher.hpp"
#include "core/result.hpp"
#include "db/cluster_access.hpp"
#include "db/connection_pool.hpp"
#include "platform/role_password.hpp"
#include "platform/tenant_catalog.hpp"

namespace citadel::platform {

struct CreateTenantRequest;
class TenantService;

// What the ORM's module installation does for the platform, which knows no
// modules (layering): the CLI builds the installed modules and passes these.
struct TenantModuleHooks {
  // The installed modules' versions as one text ("base=18.0.1.0,..."). The
  // template records the text it was installed with; install_template runs
  // only when they differ, so a restart costs one query.
  std::string versions;
  // Installs or upgrades the modules in the template database. Called inside
  // a transaction as the template role (SET LOCAL ROLE citadel_template), so
  // what it creates belongs to that role and REASSIGN OWNED hands it to each
  // tenant; the caller commits.
  std::function<core::Result<void>(db::Connection& template_db)> install_template;
  // Called by Create after the clone, inside a transaction, connected as the
  // tenant's own role: sets the first admin's login and password hash (the
  // stored PBKDF2 hash, never the password). A failure undoes the tenant.
  std::function<core::Result<void>(db::Connection& tenant_db, const CreateTenantRequest& request,
                                   std::string_view admin_hash)>
      initialize_tenant;
};

struct TenantServiceOptions {
  std::string data_dir;  // holds secrets/role-password-key
  core::FileSystem* file_system = &core::RealFileSystem::Instance();
  std::uint32_t pbkdf2_rounds = core::kDefaultPbkdf2Rounds;
  db::PoolLimits tenant_pools;  // per-tenant and cluster-wide caps, idle timeout
  // Revoke CONNECT on `postgres` and `template1` from PUBLIC: right for the
  // embedded cluster, which Citadel alone uses; an operator's own cluster
  // is left as it is.
  bool harden_maintenance_databases = false;
  const core::Clock* clock = &core::SystemClock::Instance();
  core::Logger* logger = &core::Log();
  TenantModuleHooks modules;  // unset: tenants are bare clones of the template
  // Makes the new tenant's key (backup/tenant_key_store.hpp), which seals its
  // file store and wraps its backups' keys: called by Create and
  // CreateRestored with the new database's name before the database is
  // filled (a restore seals the files under it), so a tenant never becomes
  // active without one; a failure undoes the tenant. A key that exists
  // already is not an error. Unset: no key is made here (backups make one at
  // first use; the CLI and the server set it, see tenant_key_creation.hpp).
  std::function<core::Result<void>(TenantService& service, const std::string& tenant_db)> create_tenant_key;
  // `<data_dir>/filestore`: Drop removes `<file_store_root>/<database>`.
  // Empty: no file store to remove.
  std::string file_store_root;
  // Every pooled connection (catalog and tenants) passes through it: a
  // planned switchover pauses and drains them (db/acquire_gate.hpp). Unset: none.
  std::shared_ptr<db::AcquireGate> acquire_gate;

  static TenantServiceOptions FromConfig(const core::ServerConfig& config);
};

struct CreateTenantRequest {
  std::string name;
  std::string admin_login = "admin";
  std::string admin_password;  // hashed at once; never stored or logged in clear
};

class TenantService {
 public:
  static core::Result<std::unique_ptr<TenantService>> Open(
      std::shared_ptr<const db::ClusterAccess> access, TenantServiceOptions options);
  ~TenantService();
  TenantService(const TenantService&) = delete;
  TenantService& operator=(const TenantService&) = delete;

  // kInvalidArgument for a bad name (nothing changes), kAlreadyExists if a
  // live tenant has it. On any other failure nothing is left behind.
  core::Result<TenantRecord> Create(const CreateTenantRequest& request);
  // A tenant whose database starts empty (no template) and is filled by
  // `fill`, given a DSN as the tenant's own role (a restore from a backup).
  // The admin's login and hash are recorded as given. Undone on failure.
  using TenantFiller = std::function<core::Result<void>(const std::string& tenant_dsn)>;
  core::Result<TenantRecord> CreateRestored(const std::string& name, const std::string& admin_login,
                                            const std::string& admin_password_hash, const TenantFiller& fill);
  core::Result<std::vector<TenantRecord>> List(bool include_dropped = false);
  // The live tenant of this name; kNotFound otherwise.
  core::Result<TenantRecord> Get(std::string_view name);
  // Ends the tenant's sessions, drops its database and role, removes its
  // file store directory, and records the drop (the catalog row stays,
  // state 'dropped'). kNotFound if no live tenant. The tenant's key is the
  // caller's to destroy (BackupService::DestroyTenantKey).
  core::Result<TenantRecord> Drop(std::string_view name);

  // A DSN that connects as the tenant's own role to its database. Holds a
  // password: never log it.
  core::Result<std::string> TenantDsn(std::string_view name);
  // A connection from the tenant's pool (bounded, fair, see db::PoolGroup).
  core::Result<db::PooledConnection> Acquire(const std::string& name);
  db::PoolGroup& Pools() { return *tenant_pools_; }
  // Closes every idle pooled connection, the catalog's and the tenants'
  // (the primary is about to move: none should be left pointing at it).
  int CloseIdleConnections();
  // The PBKDF2 hash stored for the first admin (for the ORM's first user).
  core::Result<std::string> AdminPasswordHash(std::string_view name);

  // A pooled connection to the catalog database as the provisioning role,
  // for the platform's other catalog tables (web_session_store.hpp).
  core::Result<db::PooledConnection> AcquireCatalog();

  // A pooled connection to the maintenance database as the provisioning
  // role, for cluster-wide DDL of the platform (a backup's scratch database).
  core::Result<db::PooledConnection> AcquireMaintenance();
  // A DSN for `dbname` as the provisioning role. May hold a password.
  std::string ProvisioningDsn(std::string_view dbname) const { return access_->ProvisioningDsn(dbname); }

  // A 32-byte key for one purpose, derived from the server's
  // role-password-key (RolePasswordKey::KeyFor): every server in front of
  // this catalog has the same file, so the same keys. Never log it.
  std::string DerivedKey(std::string_view purpose) const { return key_.KeyFor(purpose); }

  // The catalog answers a trivial query (for /web/health).
  core::Result<void> CatalogHealthy();

 private:
  TenantService(std::shared_ptr<const db::ClusterAccess> access, TenantServiceOptions options,
                RolePasswordKey key, bool superuser);
  core::Result<void> Bootstrap();
  NewTenantRow NewRow(const std::string& name, const std::string& admin_login,
                      std::string admin_password_hash) const;
  // The catalog row, the role and database (cloned from the template, or
  // empty), `initialize`, then active; all undone if any step fails.
  core::Result<TenantRecord> Provision(const NewTenantRow& row, bool empty,
                                       const std::function<core::Result<void>()>& initialize);
  // TenantModuleHooks::initialize_tenant on the new database, if set.
  core::Result<void> InitializeTenant(const NewTenantRow& row, const CreateTenantRequest& request);

  std::shared_ptr<const db::ClusterAccess> access_;
  TenantServiceOptions options_;
  RolePasswordKey key_;
  core::PasswordHasher hasher_;
  bool provisioner_is_superuser_ = false;
  std::unique_ptr<db::PoolGroup> admin_pools_;   // provisioning role: catalog, maintenance db
  std::unique_ptr<db::PoolGroup> tenant_pools_;  // tenant roles, keyed by tenant name
};

}  // namespace citadel::platform
