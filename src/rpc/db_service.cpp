// The `db` service (odoo/service/db.py), as an Odoo 18 server with
// list_db = False and no master password answers it, since tenants are made
// by the platform, never through the API:
//   server_version            "18.0"
//   list, db_exist            AccessDenied unless RpcServiceOptions::list_db
//                             (Odoo answers db_exist whatever list_db says;
//                             Citadel does not, or anyone could probe names)
//   list_lang                 [["en_US", "English (US)"]]: the one language
//   every other Odoo method   AccessDenied (create_database, duplicate_database,
//                             drop, dump, restore, rename, change_admin_password,
//                             migrate_databases, list_countries: master-password
//                             methods, never reachable)
//   anything else             KeyError("Method not found: m")
#include <array>
#include <string_view>

#include "core/logger.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

constexpr std::array<std::string_view, 9> kMasterPasswordMethods = {
    "create_database", "duplicate_database",    "drop",
    "dump",            "restore",               "rename",
    "change_admin_password", "migrate_databases", "list_countries"};

}  // namespace

void DispatchDb(RpcServices& services, RpcCall call, RpcDone done) {
  const std::string& m = call.method;
  const std::size_t given = call.params.size();
  if (m == "server_version") {
    if (auto error = PythonSignature{"exp_server_version", {}}.Check(given)) return done(*error);
    return done(Value(kOdooServerVersion));
  }
  if (m == "list_lang") {
    if (auto error = PythonSignature{"exp_list_lang", {}}.Check(given)) return done(*error);
    return done(Value::array({Value::array({"en_US", "English (US)"})}));
  }
  if (m == "list" || m == "db_exist") {
    if (!services.options.list_db) return done(RpcError::AccessDenied());
    if (m == "db_exist") {
      if (auto error = PythonSignature{"exp_db_exist", {"db_name"}}.Check(given)) return done(*error);
      const Value& name = call.params[0];
      return done(Value(name.is_string() && services.tenants.IsLive(name.get<std::string>())));
    }
    if (auto error = PythonSignature{"exp_list", {"document"}, 1}.Check(given)) return done(*error);
    auto names = services.tenants.LiveNames();
    if (!names) {
      core::Log().Error("db.list failed",
                        {{"request_id", call.request_id}, {"error", names.error().message}});
      return done(RpcError::Internal(call.request_id));
    }
    return done(Value(*names));
  }
  for (std::string_view name : kMasterPasswordMethods) {
    if (m == name) return done(RpcError::AccessDenied());
  }
  done(RpcError::Raised("builtins.KeyError", "Method not found: " + m));
}

}  // namespace citadel::rpc
