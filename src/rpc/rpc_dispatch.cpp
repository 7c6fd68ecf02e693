#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

void DispatchRpc(RpcServices& services, RpcCall call, RpcDone done) {
  if (call.service == "common") return DispatchCommon(services, std::move(call), std::move(done));
  if (call.service == "object") return DispatchObject(services, std::move(call), std::move(done));
  if (call.service == "db") return DispatchDb(services, std::move(call), std::move(done));
  // Odoo: rpc_dispatchers[service_name] -> KeyError(service_name).
  done(RpcError::Raised("builtins.KeyError", call.service));
}

}  // namespace citadel::rpc
