// The `common` service (odoo/service/common.py): version, about, login,
// authenticate, set_loglevel.
//
// login/authenticate answer a uid or False and never say which part was
// wrong (login_check.hpp says how every failure looks and costs the same).
#include "rpc/login_check.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

bool Truthy(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v != 0;
  if (v.is_string() || v.is_array() || v.is_object()) return !v.empty();
  return true;
}

std::string TextOr(const Value& v) { return v.is_string() ? v.get<std::string>() : std::string(); }

void Authenticate(RpcServices& services, const RpcCall& call, RpcDone done) {
  CheckLogin(services, TextOr(call.params[0]), TextOr(call.params[1]), TextOr(call.params[2]),
             call.client_ip, call.request_id, LoginSecrets::kPasswordOrApiKey, [done](LoginOutcome outcome) {
               if (auto* error = std::get_if<RpcError>(&outcome)) return done(*error);
               const auto& user = std::get<std::optional<StoredCredential>>(outcome);
               done(user ? Value(user->uid) : Value(false));
             });
}

}  // namespace

Value OdooVersionInfo() {
  // Built once: a copy costs half of building it from the initializer lists
  // on every call of common.version (callgrind, session 16).
  static const Value kInfo{{"server_version", kOdooServerVersion},
                           {"server_version_info", Value::array({18, 0, 0, "final", 0, ""})},
                           {"server_serie", "18.0"},
                           {"protocol_version", 1}};
  return kInfo;
}

void DispatchCommon(RpcServices& services, RpcCall call, RpcDone done) {
  const std::size_t given = call.params.size();
  const std::string& m = call.method;
  if (m == "version") {
    if (auto error = PythonSignature{"exp_version", {}}.Check(given)) return done(*error);
    return done(OdooVersionInfo());
  }
  if (m == "about") {
    if (auto error = PythonSignature{"exp_about", {"extended"}, 1}.Check(given)) return done(*error);
    const Value info = "See http://openerp.com";
    if (given == 1 && Truthy(call.params[0])) return done(Value::array({info, kOdooServerVersion}));
    return done(info);
  }
  if (m == "set_loglevel") {  // Odoo ignores it and answers True
    if (auto error = PythonSignature{"exp_set_loglevel", {"loglevel", "logger"}, 1}.Check(given)) {
      return done(*error);
    }
    return done(Value(true));
  }
  if (m == "login") {
    if (auto error = PythonSignature{"exp_login", {"db", "login", "password"}}.Check(given)) {
      return done(*error);
    }
    return Authenticate(services, call, std::move(done));
  }
  if (m == "authenticate") {
    if (auto error = PythonSignature{"exp_authenticate", {"db", "login", "password", "user_agent_env"}}
                         .Check(given)) {
      return done(*error);
    }
    return Authenticate(services, call, std::move(done));
  }
  done(RpcError::Raised("builtins.Exception", "Method not found: " + m));
}

}  // namespace citadel::rpc
