#include "rpc/caller_environment.hpp"

namespace citadel::rpc {

orm::Environment CallerEnvironment(RpcServices& services, db::Connection& connection,
                                   const std::string& tenant, std::int64_t uid) {
  orm::Environment env(services.registry, connection, uid);
  if (services.security == nullptr) return env;
  orm::CallSecurity security = services.security->For(tenant)->ForCall(connection, uid);
  return env.WithSecurity(std::move(security.snapshot), std::move(security.user));
}

}  // namespace citadel::rpc
