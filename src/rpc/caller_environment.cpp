#include "rpc/caller_environment.hpp"

namespace citadel::rpc {

orm::Environment CallerEnvironment(RpcServices& services, db::Connection& connection,
                                   const std::string& tenant, std::int64_t uid,
                                   std::optional<orm::SecurityVersion> version) {
  orm::Environment env(services.registry, connection, uid);
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
