#include "platform/tenant_service.hpp"

#include <chrono>
#include <filesystem>

#include "core/random.hpp"
#include "db/connection.hpp"
#include "platform/catalog_schema.hpp"
#include "platform/restore_lock.hpp"
#include "platform/tenant_name.hpp"
#include "platform/tenant_provisioner.hpp"
#include "platform/tenant_template.hpp"

namespace citadel::platform {
namespace {

// pg_advisory_lock key for bootstrapping a cluster ("citadel" in ASCII).
constexpr std::int64_t kBootstrapLock = 0x63697461'64656CLL;
// A tenant role may open this many connections beyond its pool's cap, for
// an operator's psql or a backup next to a full pool.
constexpr int kTenantConnectionHeadroom = 5;

template <class T>
core::Result<void> Ok(const core::Result<T>& r) {
  if (!r) return core::Unexpected(r.error());
  return {};
}

db::PoolLimits AdminPoolLimits() {
  db::PoolLimits l;
  l.max_total = 8;
  l.max_per_pool = 4;
  l.acquire_timeout = std::chrono::seconds(10);
  l.idle_timeout = std::chrono::seconds(60);
  return l;
}

}  // namespace

TenantServiceOptions TenantServiceOptions::FromConfig(const core::ServerConfig& config) {
  TenantServiceOptions o;
  o.data_dir = config.data_dir;
  o.pbkdf2_rounds = config.pbkdf2_rounds;
  o.tenant_pools = db::PoolLimits::FromConfig(config.database);
  o.harden_maintenance_databases = config.database.pg_dsn.empty();
  o.file_store_root = config.data_dir + "/filestore";
  return o;
}

TenantService::TenantService(std::shared_ptr<const db::ClusterAccess> access,
                             TenantServiceOptions options, RolePasswordKey key, bool superuser)
    : access_(std::move(access)), options_(std::move(options)), key_(std::move(key)),
      hasher_(options_.pbkdf2_rounds), provisioner_is_superuser_(superuser) {
  // A failed connection tells the access: one that follows a moving primary
  // (HA) then asks Patroni again instead of trusting its cached leader.
  auto connecting = [access = access_](std::chrono::seconds timeout) {
    db::PoolGroup::Hooks hooks;
    hooks.connect = [access, timeout](const std::string& dsn) {
      auto conn = db::Connection::Open(dsn, timeout);
      if (!conn) access->ConnectFailed();
      return conn;
    };
    return hooks;
  };
  admin_pools_ = std::make_unique<db::PoolGroup>(
      AdminPoolLimits(),
      [access = access_](const std::string& db) -> core::Result<std::string> {
        return access->ProvisioningDsn(db);
      },
      *options_.clock, connecting(AdminPoolLimits().connect_timeout));
  tenant_pools_ = std::make_unique<db::PoolGroup>(
      options_.tenant_pools,
      [this](const std::string& name) { return TenantDsn(name); }, *options_.clock,
      connecting(options_.tenant_pools.connect_timeout));
  if (options_.acquire_gate) {
    admin_pools_->UseGate(options_.acquire_gate);
    tenant_pools_->UseGate(options_.acquire_gate);
  }
  admin_pools_->StartReaper(std::chrono::seconds(5));
  tenant_pools_->StartReaper(std::chrono::seconds(5));
}

TenantService::~TenantService() = default;

int TenantService::CloseIdleConnections() {
  return admin_pools_->CloseIdle() + tenant_pools_->CloseIdle();
}

core::Result<std::unique_ptr<TenantService>> TenantService::Open(
    std::shared_ptr<const db::ClusterAccess> access, TenantServiceOptions options) {
  auto key = RolePasswordKey::LoadOrCreate(*options.file_system, options.data_dir);
  if (!key) return core::Unexpected(key.error());
  auto maintenance = db::Connection::Open(access->ProvisioningDsn(access->MaintenanceDatabase()));
  if (!maintenance) return core::Unexpected(maintenance.error());
  auto super = maintenance->Execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
  if (!super) return core::Unexpected(super.error());
  const bool superuser = super->Get(0, 0) == "t";
  std::unique_ptr<TenantService> service(
      new TenantService(std::move(access), std::move(options), std::move(*key), superuser));
  if (auto r = service->Bootstrap(); !r) return core::Unexpected(r.error());
  return service;
}

core::Result<void> TenantService::Bootstrap() {
  // A session of its own, so the advisory lock is released when it closes,
  // whatever happens below.
  auto maintenance = db::Connection::Open(access_->ProvisioningDsn(access_->MaintenanceDatabase()));
  if (!maintenance) return core::Unexpected(maintenance.error());
  if (auto r = Ok(maintenance->Execute("SELECT pg_advisory_lock($1)", kBootstrapLock)); !r) return r;
  if (auto r = EnsureCatalogDatabase(*maintenance); !r) return r;
  if (options_.harden_maintenance_databases) {
    for (db::SqlText sql : {db::SqlText("REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC"),
                            db::SqlText("REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC")}) {
      if (auto r = Ok(maintenance->Execute(sql)); !r) return r;
    }
  }
  {
    auto catalog = db::Connection::Open(access_->ProvisioningDsn(kCatalogDatabase));
    if (!catalog) return core::Unexpected(catalog.error());
    if (auto r = Ok(MigrateCatalog(*catalog)); !r) return r;
  }
  return PrepareTemplate(*access_, *maintenance, provisioner_is_superuser_,
                         {options_.modules.versions, options_.modules.install_template});
}

core::Result<void> TenantService::InitializeTenant(const NewTenantRow& row,
                                                   const CreateTenantRequest& request) {
  if (!options_.modules.initialize_tenant) return {};
  // As the tenant's own role, straight to its database: the catalog does not
  // call it active yet, so the pool would refuse it.
  auto tenant_db = db::Connection::Open(
      access_->LoginDsn(row.db_name, row.role_name, key_.PasswordFor(row.role_name)));
  if (!tenant_db) return core::Unexpected(tenant_db.error());
  if (auto r = Ok(tenant_db->Execute("BEGIN")); !r) return r;
  auto done = options_.modules.initialize_tenant(*tenant_db, request, row.admin_password_hash);
  if (done) done = Ok(tenant_db->Execute("COMMIT"));
  if (!done) {
    (void)tenant_db->Execute("ROLLBACK");
    return core::Fail(core::ErrorCode::kInternal, "initializing the tenant: " + done.error().message);
  }
  return {};
}

core::Result<TenantRecord> TenantService::Create(const CreateTenantRequest& request) {
  if (request.admin_password.empty() || request.admin_password.size() > core::kMaxPasswordBytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "the admin password must have 1 to " +
                          std::to_string(core::kMaxPasswordBytes) + " bytes");
  }
  NewTenantRow row = NewRow(request.name, request.admin_login, hasher_.Hash(request.admin_password));
  return Provision(row, /*empty=*/false, [&] { return InitializeTenant(row, request); });
}

core::Result<TenantRecord> TenantService::CreateRestored(const std::string& name, const std::string& admin_login,
                                                         const std::string& admin_password_hash,
                                                         const TenantFiller& fill) {
  NewTenantRow row = NewRow(name, admin_login, admin_password_hash);
  return Provision(row, /*empty=*/true, [&]() -> core::Result<void> {
    return fill(access_->LoginDsn(row.db_name, row.role_name, key_.PasswordFor(row.role_name)));
  });
}

NewTenantRow TenantService::NewRow(const std::string& name, const std::string& admin_login,
                                   std::string admin_password_hash) const {
  NewTenantRow row;
  row.name = name;
  row.db_name = "t_" + core::RandomLowerAlnum(12);
  row.role_name = row.db_name;
  row.cluster = access_->name();
  row.admin_login = admin_login;
  row.admin_password_hash = std::move(admin_password_hash);
  return row;
}

core::Result<TenantRecord> TenantService::Provision(const NewTenantRow& row, bool empty,
                                                    const std::function<core::Result<void>()>& initialize) {
  const auto started = std::chrono::steady_clock::now();
  if (auto problem = TenantNameProblem(row.name)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, *problem);
  }
  if (row.admin_login.empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the admin login cannot be empty");
  }
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  auto record = tenant_catalog::InsertCreating(**catalog, row);
  if (!record) return record;
  core::Result<void> made = [&]() -> core::Result<void> {
    auto maintenance = admin_pools_->Acquire(access_->MaintenanceDatabase());
    if (!maintenance) return core::Unexpected(maintenance.error());
    TenantDatabaseSpec spec{row.db_name, key_.PasswordFor(row.role_name),
                            options_.tenant_pools.max_per_pool + kTenantConnectionHeadroom, empty};
    auto created = CreateTenantDatabase(*access_, **maintenance, spec, provisioner_is_superuser_);
    if (!created) return created;
    core::Result<void> keyed;
    if (options_.create_tenant_key) keyed = options_.create_tenant_key(*this, row.db_name);
    if (!keyed) {
      (void)DropTenantDatabase(**maintenance, row.db_name);
      return core::Fail(keyed.error().code, "making the tenant's key: " + keyed.error().message);
    }
    if (auto initialized = initialize(); !initialized) {
      (void)DropTenantDatabase(**maintenance, row.db_name);
      return initialized;
    }
    return {};
  }();
  if (made) made = tenant_catalog::SetState(**catalog, record->id, "active");
  if (!made) {
    (void)tenant_catalog::Erase(**catalog, record->id);
    options_.logger->Warn("tenant creation failed and was undone",
                          {{"tenant", row.name}, {"error", made.error().message}});
    return core::Unexpected(made.error());
  }
  record->state = "active";
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  options_.logger->Info("tenant created", {{"tenant", row.name}, {"database", row.db_name},
                                            {"duration_ms", static_cast<long long>(ms)}});
  return record;
}

core::Result<std::vector<TenantRecord>> TenantService::List(bool include_dropped) {
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  return tenant_catalog::List(**catalog, include_dropped);
}

core::Result<TenantRecord> TenantService::Get(std::string_view name) {
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  return tenant_catalog::FindLive(**catalog, name);
}

core::Result<TenantRecord> TenantService::Drop(std::string_view name) {
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  auto record = tenant_catalog::FindLive(**catalog, name);
  if (!record) return record;
  // Never while the tenant is being restored onto live (here or on another
  // server): the restore's switch would bring the database back, or fail
  // half-way. Held until the drop is recorded; a restore waits for it too.
  auto restore_lock = TenantRestoreLock::TryAcquire(*this, record->id);
  if (!restore_lock) {
    if (restore_lock.error().code != core::ErrorCode::kAlreadyExists) return core::Unexpected(restore_lock.error());
    return core::Fail(core::ErrorCode::kUnavailable, "a restore of tenant " + record->name +
                                                         " is running: drop it once the restore has ended");
  }
  if (auto r = tenant_catalog::SetState(**catalog, record->id, "dropping"); !r) {
    return core::Unexpected(r.error());
  }
  tenant_pools_->Evict(record->name);
  {
    auto maintenance = admin_pools_->Acquire(access_->MaintenanceDatabase());
    if (!maintenance) return core::Unexpected(maintenance.error());
    if (auto r = DropTenantDatabase(**maintenance, record->db_name); !r) {
      return core::Unexpected(r.error());  // stays 'dropping': a retried Drop finishes it
    }
  }
  if (!options_.file_store_root.empty()) {
    // The files are sealed under the tenant's key, which the caller destroys
    // next; removing them too leaves nothing of the tenant on this disk.
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::path(options_.file_store_root) / record->db_name, ec);
    if (ec) {
      return core::Fail(core::ErrorCode::kIo, "cannot remove the file store of " + record->db_name + ": " +
                                                  ec.message());  // stays 'dropping': a retried Drop finishes it
    }
  }
  if (auto r = tenant_catalog::MarkDropped(**catalog, record->id); !r) {
    return core::Unexpected(r.error());
  }
  options_.logger->Info("tenant dropped", {{"tenant", record->name}, {"database", record->db_name}});
  return tenant_catalog::FindById(**catalog, record->id);
}

core::Result<std::string> TenantService::TenantDsn(std::string_view name) {
  auto record = Get(name);
  if (!record) return core::Unexpected(record.error());
  if (record->state != "active") {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "tenant '" + record->name + "' is " + record->state);
  }
  return access_->LoginDsn(record->db_name, record->role_name,
                           key_.PasswordFor(record->role_name));
}

core::Result<db::PooledConnection> TenantService::Acquire(const std::string& name) {
  return tenant_pools_->Acquire(name);
}

core::Result<std::string> TenantService::AdminPasswordHash(std::string_view name) {
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  return tenant_catalog::AdminPasswordHash(**catalog, name);
}

core::Result<db::PooledConnection> TenantService::AcquireCatalog() {
  return admin_pools_->Acquire(kCatalogDatabase);
}

core::Result<db::PooledConnection> TenantService::AcquireMaintenance() {
  return admin_pools_->Acquire(access_->MaintenanceDatabase());
}

core::Result<void> TenantService::CatalogHealthy() {
  auto catalog = admin_pools_->Acquire(kCatalogDatabase);
  if (!catalog) return core::Unexpected(catalog.error());
  return Ok((*catalog)->Execute("SELECT 1 FROM tenants LIMIT 1"));
}

}  // namespace citadel::platform
