// The `common` service (odoo/service/common.py): version, about, login,
// authenticate, set_loglevel.
//
// login/authenticate answer a uid or False and never say which part was
// wrong: an unknown database, an unknown or archived login, an empty or wrong
// password all answer False, and each costs one PBKDF2 verification at the
// configured rounds (against a dummy when there is no stored hash), so timing
// tells them apart no better than the answer does. The verification runs on
// the hashing pool; a success also primes the credential cache, so the
// client's first execute_kw does not verify again.
#include "core/logger.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/rpc_services.hpp"
#include "rpc/user_credentials.hpp"

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
  const std::string db = TextOr(call.params[0]);
  const std::string login = TextOr(call.params[1]);
  std::string password = TextOr(call.params[2]);
  std::optional<StoredCredential> user;
  if (!db.empty() && !login.empty() && !password.empty() && services.tenants.IsLive(db)) {
    auto connection = services.tenants.Acquire(db);
    if (!connection) {
      core::Log().Error("authenticate: no connection to the tenant",
                        {{"request_id", call.request_id}, {"error", connection.error().message}});
      return done(connection.error().code == core::ErrorCode::kResourceExhausted
                      ? RpcError::Busy()
                      : RpcError::Internal(call.request_id));
    }
    auto found = FindActiveUserByLogin(**connection, login);
    if (!found) {
      core::Log().Error("authenticate: reading the user failed",
                        {{"request_id", call.request_id}, {"error", found.error().message}});
      return done(RpcError::Internal(call.request_id));
    }
    user = std::move(*found);
  }
  const std::string stored = user ? user->hash : std::string();
  CredentialCache& cache = services.credentials;
  auto on_verified = [done, user, db, password, &cache,
                      request_id = call.request_id](core::VerifyOutcome outcome) mutable {
    if (user && outcome.matches && !password.empty()) {
      cache.Put(db, user->uid, password, user->hash);
      done(Value(user->uid));
    } else {
      core::Log().Info("login failed", {{"request_id", request_id}});
      done(Value(false));
    }
  };
  if (!services.hashing.Verify(std::move(password), stored, std::move(on_verified))) {
    done(RpcError::Busy());
  }
}

}  // namespace

Value OdooVersionInfo() {
  return Value{{"server_version", kOdooServerVersion},
               {"server_version_info", Value::array({18, 0, 0, "final", 0, ""})},
               {"server_serie", "18.0"},
               {"protocol_version", 1}};
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
