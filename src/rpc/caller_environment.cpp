#include "rpc/caller_environment.hpp"

#include <libpq-fe.h>

#include "platform/support_access.hpp"
#include "platform/tenant_backup_desk.hpp"
#include "platform/tenant_file_stores.hpp"

namespace citadel::rpc {

orm::Environment CallerEnvironment(RpcServices& services, db::Connection& connection,
                                   const std::string& tenant, std::int64_t uid,
                                   std::optional<orm::SecurityVersion> version) {
  orm::Environment env =
      orm::Environment(services.registry, connection, uid).WithPasswordHasher(services.hashing.hasher());
  if (services.file_stores != nullptr) {
    // Named by the database the call's connection is on (not the tenant's
    // name, which a dropped and re-created tenant reuses): its files and key.
    const char* database = connection.native_handle() != nullptr ? PQdb(connection.native_handle()) : nullptr;
    env = env.WithFileStore(services.file_stores->For(database != nullptr ? database : ""));
  }
  // The admin's citadel.support.* methods reach this tenant's grants and
  // audit only (the tenant is the call's, never an argument).
  if (services.support != nullptr) env = env.WithSupportDesk(services.support->DeskFor(tenant));
  // The call's own tenant's backups: citadel.backup reaches no other.
  if (services.tenant_backups != nullptr) env = env.WithTenantBackups(services.tenant_backups->For(tenant));
  if (services.security == nullptr) return env;
  orm::CallSecurity security = services.security->For(tenant)->ForCall(connection, uid, std::move(version));
  return env.WithSecurity(std::move(security.snapshot), std::move(security.user));
}

}  // namespace citadel::rpc

namespace citadel::rpc {

bool SecurityVersionReadable(RpcServices& services, const std::string& tenant) {
  return services.security != nullptr && services.security->For(tenant)->signal_present();
}

}  // namespace citadel::rpc
