#include "rpc/web_session_routes.hpp"

#include <functional>
#include <optional>
#include <variant>

#include "core/logger.hpp"
#include "http/cookies.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/web_session_store.hpp"
#include "rpc/caller_environment.hpp"
#include "rpc/json_route.hpp"
#include "rpc/login_check.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/session_info.hpp"
#include "rpc/user_credentials.hpp"
#include "rpc/web_sign_in.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

// The session's user is archived or has a new password.
struct SessionGone {};

// The named parameters a route function takes, as Python binds **params
// (Odoo drops unknown ones with a warning; missing required ones are
// Python's TypeError).
std::optional<RpcError> MissingParams(const Value& params, const PythonSignature& signature) {
  std::vector<std::string> missing;
  for (std::size_t i = 0; i + signature.optional < signature.names.size(); ++i) {
    if (!params.contains(signature.names[i])) missing.push_back(signature.names[i]);
  }
  return signature.Missing(missing);
}

std::string TextOr(const Value& params, const char* name) {
  auto it = params.find(name);
  return it != params.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The live session the request came with, or why there is none.
std::variant<platform::WebSession, RpcError> FindSession(RpcServices& services, const JsonCall& call) {
  if (!call.session_id) return RpcError::SessionExpired();
  auto found = services.web_sessions->Find(*call.session_id);
  if (!found) {
    core::Log().Error("web session lookup failed",
                      {{"request_id", call.request_id}, {"error", found.error().message}});
    return RpcError::Internal(call.request_id);
  }
  if (!*found) return RpcError::SessionExpired();
  return std::move(**found);
}

// `work` as the session's user, in one transaction of the session's tenant;
// the user is checked first, in that transaction. A gone user ends the session.
RpcOutcome RunAsSessionUser(RpcServices& services, const platform::WebSession& session, const JsonCall& call,
                            const std::function<Value(const orm::Environment&)>& work) {
  auto connection = services.tenants.Acquire(session.tenant);
  if (!connection) return ConnectionFailure(connection.error(), call.request_id, "web session");
  try {
    orm::TransactionRunner runner(**connection, services.registry);
    return runner.Run([&]() -> RpcOutcome {
      auto user = FindUserById(**connection, session.uid);
      if (!user) throw orm::DatabaseError(user.error());
      if (!*user || !(*user)->active || (*user)->hash.empty() ||
          platform::CredentialFingerprint((*user)->hash) != session.credential_fingerprint) {
        throw SessionGone{};
      }
      const orm::Environment env = CallerEnvironment(services, **connection, session.tenant, session.uid);
      return work(env);
    });
  } catch (const SessionGone&) {
    (void)services.web_sessions->Destroy(*call.session_id);
    return RpcError::SessionExpired();
  } catch (...) {
    return RpcErrorFromException(std::current_exception(), call.request_id, call.path);
  }
}

void GetSessionInfo(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  auto session = FindSession(services, call);
  if (auto* error = std::get_if<RpcError>(&session)) return reply({*error, {}});
  const auto& live = std::get<platform::WebSession>(session);
  reply({RunAsSessionUser(services, live, call,
                          [&](const orm::Environment& env) { return WebSessionInfo(env, live.tenant); }),
         {}});
}

void Destroy(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  auto session = FindSession(services, call);
  if (auto* error = std::get_if<RpcError>(&session)) return reply({*error, {}});
  if (auto ended = services.web_sessions->Destroy(*call.session_id); !ended) {
    core::Log().Error("web session end failed", {{"request_id", call.request_id}, {"error", ended.error().message}});
    return reply({RpcError::Internal(call.request_id), {}});
  }
  reply({Value(), {DropWebSessionCookie()}});
}

void CallKw(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  const Value& p = call.params;
  if (auto error = MissingParams(p, {"DataSet.call_kw", {"model", "method", "args", "kwargs", "path"}, 1})) {
    return reply({*error, {}});
  }
  // Odoo's routing looks the model up before the session is used: 404.
  if (!p["model"].is_string() || !services.registry->FindModel(p["model"].get<std::string>())) {
    return reply({RpcError::NotFound(), {}});
  }
  if (!p["method"].is_string()) {
    return reply({RpcError::TypeError("attribute name must be string, not '" + PythonTypeName(p["method"]) + "'"), {}});
  }
  if (!p["args"].is_array()) {
    return reply({RpcError::TypeError("call_kw() argument after * must be an iterable, not " + PythonTypeName(p["args"])), {}});
  }
  if (!p["kwargs"].is_object()) {
    return reply({RpcError::TypeError("call_kw() argument after ** must be a mapping, not " + PythonTypeName(p["kwargs"])), {}});
  }
  auto session = FindSession(services, call);
  if (auto* error = std::get_if<RpcError>(&session)) return reply({*error, {}});
  const std::string model = p["model"].get<std::string>();
  const std::string method = p["method"].get<std::string>();
  reply({RunAsSessionUser(services, std::get<platform::WebSession>(session), call,
                          [&](const orm::Environment& env) {
                            return orm::CallModelMethod(env, model, method, p["args"], p["kwargs"]);
                          }),
         {}});
}

// On a db worker after the password matched: the new session (web_sign_in.hpp) and its info.
void OpenSession(RpcServices& services, const JsonCall& call, const std::string& db, const StoredCredential& user,
                 const JsonReplyFn& reply) {
  auto opened = OpenWebSession(services, db, user, call.session_id, call.request_id);
  if (auto* error = std::get_if<RpcError>(&opened)) return reply({*error, {}});
  const auto& session_opened = std::get<OpenedWebSession>(opened);
  const platform::WebSession session{db, user.uid, platform::CredentialFingerprint(user.hash)};
  JsonCall as_new = call;
  as_new.session_id = session_opened.session_id;
  RpcOutcome outcome = RunAsSessionUser(services, session, as_new,
                                        [&](const orm::Environment& env) { return WebSessionInfo(env, db); });
  if (std::holds_alternative<RpcError>(outcome)) {
    (void)services.web_sessions->Destroy(session_opened.session_id);
    return reply({std::move(outcome), {}});
  }
  reply({std::move(outcome), {session_opened.set_cookie}});
}

void Authenticate(RpcServices& services, JsonCall call, JsonReplyFn reply) {
  const Value& p = call.params;
  if (auto error = MissingParams(p, {"Session.authenticate", {"db", "login", "password", "base_location"}, 1})) {
    return reply({*error, {}});
  }
  const std::string db = TextOr(p, "db");
  auto on_checked = [&services, call, db, reply](LoginOutcome outcome) {
    if (auto* error = std::get_if<RpcError>(&outcome)) return reply({*error, {}});
    const auto& user = std::get<std::optional<StoredCredential>>(outcome);
    if (!user) return reply({RpcError::AccessDenied(), {}});
    // Back from the hashing pool to a db worker: the catalog and the tenant block.
    if (!services.db_workers.Submit([&services, call, db, user = *user, reply] {
          OpenSession(services, call, db, user, reply);
        })) {
      reply({RpcError::Busy(), {}});
    }
  };
  CheckLogin(services, db, TextOr(p, "login"), TextOr(p, "password"), call.client_ip, call.request_id,
             LoginSecrets::kPasswordOnly,
             std::move(on_checked));
}

}  // namespace

void AddWebSessionRoutes(http::Router& router, RpcServices& services) {
  auto route = [&](const char* pattern, void (*handler)(RpcServices&, JsonCall, JsonReplyFn)) {
    AddJsonRoute(router, services.db_workers, pattern,
                 [&services, handler](JsonCall call, JsonReplyFn reply) { handler(services, std::move(call), std::move(reply)); });
  };
  route("/web/session/authenticate", Authenticate);
  route("/web/session/get_session_info", GetSessionInfo);
  route("/web/session/destroy", Destroy);
  route("/web/dataset/call_kw", CallKw);
  route("/web/dataset/call_kw/*", CallKw);
}

}  // namespace citadel::rpc
