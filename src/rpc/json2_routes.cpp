#include "rpc/json2_routes.hpp"

#include <memory>
#include <optional>
#include <cctype>

#include "core/logger.hpp"
#include "orm/method_dispatch.hpp"
#include "orm/transaction_runner.hpp"
#include "platform/tenant_name.hpp"
#include "rpc/caller_environment.hpp"
#include "rpc/api_key_lookup.hpp"
#include "rpc/jsonrpc_codec.hpp"
#include "rpc/throttled_check.hpp"
#include "rpc/rpc_routes.hpp"
#include "rpc/secret_check.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

constexpr std::string_view kPrefix = "/json/2/";

http::Response JsonBody(int status, const Value& body) {
  http::Response response;
  response.status = status;
  response.content_type = kJsonType;
  response.body = body.dump(-1, ' ', false, Value::error_handler_t::replace);
  return response;
}

// Odoo's serialize_exception for one of werkzeug's HTTP errors.
http::Response HttpError(int status, const char* name, const std::string& message) {
  return JsonBody(status, Value{{"name", std::string("werkzeug.exceptions.") + name},
                                {"message", message},
                                {"arguments", Value::array({message, status})},
                                {"context", Value::object()},
                                {"debug", ""}});
}

http::Response Unauthorized(const std::string& message) {
  http::Response response = HttpError(401, "Unauthorized", message);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

http::Response ErrorResponse(const RpcError& error) {
  if (error.kind == RpcError::Kind::kBusy) return HttpError(503, "ServiceUnavailable", "server busy");
  const std::string& n = error.name;
  if (n == "builtins.AttributeError") return HttpError(404, "NotFound", error.message);
  if (n == "builtins.TypeError") return HttpError(422, "UnprocessableEntity", error.message);
  int status = 500;
  if (n == "odoo.exceptions.AccessError" || n == "odoo.exceptions.AccessDenied") {
    status = 403;
  } else if (n == "odoo.exceptions.MissingError") {
    status = 404;
  } else if (n.starts_with("odoo.exceptions.")) {
    status = 422;  // UserError and its kin
  }
  return JsonBody(status, Value{{"name", n},
                                {"message", error.message},
                                {"arguments", error.arguments},
                                {"context", Value::object()},
                                {"debug", ""}});
}

// `Authorization: bearer <token>`, "bearer" in any case and then white
// space, as Odoo's regex reads it (parsed by hand: std::regex recurses per
// character and a long header could exhaust the stack).
std::optional<std::string> BearerToken(const http::Request& request) {
  auto header = request.Header("Authorization");
  constexpr std::string_view kScheme = "bearer";
  if (!header || header->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::size_t start = kScheme.size();
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  if (!is_space((*header)[start])) return std::nullopt;
  while (start < header->size() && is_space((*header)[start])) ++start;
  if (start == header->size()) return std::nullopt;
  return header->substr(start);
}

// Whether a Content-Type names JSON, as werkzeug's `mimetype` reads it (what
// Odoo checks): the part before any parameter, spaces trimmed, any case.
bool IsJsonMediaType(const std::optional<std::string>& content_type) {
  if (!content_type) return false;
  std::string_view type = *content_type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(type[i])) != kJson[i]) return false;
  }
  return true;
}

struct Json2Call {
  std::string db;
  std::string token;
  std::string model;
  std::string method;
  Value ids = Value::array();
  Value kwargs = Value::object();  // the named parameters, and the context
  std::string request_id;
  std::string client_ip;
  bool verified = false;
};

using Reply = std::function<void(http::Response)>;

// The key was not verified lately: leave the transaction and verify.
struct NeedsKeyVerification {
  std::vector<ApiKeyCandidate> candidates;
};

void Run(RpcServices& services, std::shared_ptr<Json2Call> call, Reply reply);

void Verify(RpcServices& services, std::shared_ptr<Json2Call> call, std::vector<ApiKeyCandidate> candidates,
            RecordVerdict record, Reply reply) {
  std::vector<std::string> hashes;
  for (const auto& candidate : candidates) hashes.push_back(candidate.hash);
  // No candidate: one verification against a dummy key hash, so an unknown
  // key costs what a wrong one does.
  if (hashes.empty()) hashes.push_back(DummyApiKeyHash());
  auto on_verdict = [&services, call, candidates, record, reply](SecretVerdict verdict) {
    if (verdict.busy) return reply(ErrorResponse(RpcError::Busy()));
    record(verdict.matched.has_value());
    for (const auto& candidate : candidates) {
      if (verdict.matched && candidate.hash == *verdict.matched) {
        services.credentials.Put(call->db, candidate.uid, call->token, candidate.hash, /*api_key=*/true);
        call->verified = true;
        if (!services.db_workers.Submit([&services, call, reply] { Run(services, call, reply); })) {
          reply(ErrorResponse(RpcError::Busy()));
        }
        return;
      }
    }
    core::Log().Info("JSON-2 API key refused", {{"request_id", call->request_id}});
    reply(Unauthorized("Invalid apikey"));
  };
  VerifyAgainstAny(services.hashing, call->token, std::move(hashes), std::move(on_verdict));
}

// The model method as the key's user, in one transaction that reads the key
// again first.
RpcOutcome RunInTransaction(RpcServices& services, Json2Call& call, std::optional<NeedsKeyVerification>& detour) {
  // A call whose connection was lost before COMMIT (a failover) runs once
  // more on a fresh one, which reaches the new primary; a lost COMMIT is reported.
  for (int attempt = 1;; ++attempt) {
    auto connection = services.tenants.Acquire(call.db);
    if (!connection) return ConnectionFailure(connection.error(), call.request_id, "JSON-2");
    orm::TransactionRunner runner(**connection, services.registry);
    try {
      return runner.Run([&]() -> RpcOutcome {
        auto candidates = FindApiKeyCandidates(**connection, call.token, "rpc");
        if (!candidates) throw orm::DatabaseError(candidates.error());
        std::int64_t uid = 0;
        for (const auto& candidate : *candidates) {
          if (services.credentials.Matches(call.db, candidate.uid, call.token, candidate.hash)) uid = candidate.uid;
        }
        if (uid == 0) throw NeedsKeyVerification{std::move(*candidates)};
        const orm::Environment env = CallerEnvironment(services, **connection, call.db, uid);
        const orm::Model* model = services.registry->FindModel(call.model);
        if (model == nullptr) return RpcError::Raised("builtins.AttributeError", "the model '" + call.model + "' does not exist");
        const bool on_records = orm::TakesRecordIds(*model, call.method);
        if (!on_records && !call.ids.empty()) {
          return RpcError::TypeError("cannot call " + call.model + "." + call.method + " with ids");
        }
        Value args = on_records ? Value::array({call.ids}) : Value::array();
        Value result = orm::CallModelMethod(env, call.model, call.method, args, call.kwargs);
        // Odoo 19 answers records as their ids: create gives a list, even of one.
        if (call.method == "create" && result.is_number_integer()) result = Value::array({result});
        return result;
      });
    } catch (NeedsKeyVerification& needs) {
      detour = std::move(needs);
      return RpcError::AccessDenied();
    } catch (const orm::DatabaseError& error) {
      if (attempt == 1 && orm::MayRunAgainOnNewConnection(runner, error.error())) continue;
      if (orm::CommitOutcomeUnknown(runner, error.error())) return RpcError::CommitOutcomeUnknown(call.request_id);
      return RpcErrorFromException(std::current_exception(), call.request_id, "json2." + call.model + "." + call.method);
    } catch (...) {
      return RpcErrorFromException(std::current_exception(), call.request_id, "json2." + call.model + "." + call.method);
    }
  }
}

// A key check under the sign-in throttle (throttled_check.hpp): a key names
// no login, so only its source counts (and, across tenants, the edge).
void ThrottledVerify(RpcServices& services, std::shared_ptr<Json2Call> call, std::vector<ApiKeyCandidate> candidates,
                     bool live, Reply reply) {
  RunThrottled(
      services, ThrottledCheck{call->db, live, call->client_ip, "", call->request_id},
      [&services, call, candidates = std::move(candidates), reply](RecordVerdict record) mutable {
        Verify(services, call, std::move(candidates), std::move(record), std::move(reply));
      },
      [reply] { reply(Unauthorized("Invalid apikey")); },
      [reply](RpcError error) { reply(ErrorResponse(error)); });
}

void Run(RpcServices& services, std::shared_ptr<Json2Call> call, Reply reply) {
  if (!services.tenants.IsLive(call->db)) {
    if (call->verified) return reply(Unauthorized("Invalid apikey"));
    return ThrottledVerify(services, call, {}, false, std::move(reply));
  }
  std::optional<NeedsKeyVerification> detour;
  RpcOutcome outcome = RunInTransaction(services, *call, detour);
  if (detour) {
    if (call->verified) return reply(Unauthorized("Invalid apikey"));  // revoked meanwhile
    return ThrottledVerify(services, call, std::move(detour->candidates), true, std::move(reply));
  }
  if (auto* error = std::get_if<RpcError>(&outcome)) return reply(ErrorResponse(*error));
  reply(JsonBody(200, std::get<Value>(outcome)));
}

// On a db worker: the body's named arguments, then the call.
void Start(RpcServices& services, std::shared_ptr<Json2Call> call, const std::string& body, Reply reply) {
  Value params = Value::object();
  if (!body.empty()) {
    auto parsed = ParseBoundedJson(body, JsonRpcLimits{kRpcBodyBytes});
    if (!parsed) return reply(HttpError(400, "BadRequest", "could not parse the body as json: " + parsed.error().message));
    if (!parsed->is_object()) return reply(HttpError(400, "BadRequest", "could not parse the body, expecting a json object"));
    params = std::move(*parsed);
  }
  if (auto ids = params.find("ids"); ids != params.end()) {
    if (!ids->is_array()) return reply(HttpError(422, "UnprocessableEntity", "ids must be a list of integers"));
    call->ids = std::move(*ids);
    params.erase("ids");
  }
  call->kwargs = std::move(params);  // "context" stays in: the dispatcher lays it over the env's
  Run(services, std::move(call), std::move(reply));
}

void AddJson2Route(http::Router& router, RpcServices& services) {
  router.Add(
      "POST", std::string(kPrefix) + "*",
      [&services](const http::Request& request, http::Responder respond) {
        const std::string rest = request.path.substr(kPrefix.size());
        const std::size_t slash = rest.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
            rest.find('/', slash + 1) != std::string::npos) {
          return respond(HttpError(404, "NotFound", "Did you mean POST /json/2/<model>/<method>?"));
        }
        if (!IsJsonMediaType(request.Header("Content-Type"))) {
          return respond(HttpError(415, "UnsupportedMediaType", "the body must be application/json"));
        }
        auto token = BearerToken(request);
        if (!token) return respond(Unauthorized("User not authenticated, use the \"Authorization\" header"));
        auto db = request.Header("X-Odoo-Database");
        if (!db || db->empty()) db = platform::TenantOfHost(request.Header("Host"), services.options.tenant_domain);
        if (!db) return respond(HttpError(404, "NotFound", "no database: name it in the X-Odoo-Database header"));
        auto call = std::make_shared<Json2Call>();
        call->db = *db;
        call->token = std::move(*token);
        call->model = rest.substr(0, slash);
        call->method = rest.substr(slash + 1);
        call->request_id = request.request_id;
        call->client_ip = request.client_ip.ToString();
        auto task = [&services, call, body = request.body, respond] { Start(services, call, body, respond); };
        if (!services.db_workers.Submit(std::move(task))) respond(ErrorResponse(RpcError::Busy()));
      },
      http::RouteOptions{kRpcBodyBytes});
}

}  // namespace

void AddJson2Routes(http::Router& router, RpcServices& services) {
  router.Add("GET", "/web/version", [](const http::Request&, http::Responder respond) {
    const Value info = OdooVersionInfo();
    respond(JsonBody(200, Value{{"version_info", info["server_version_info"]}, {"version", info["server_version"]}}));
  });
  AddJson2Route(router, services);
}

}  // namespace citadel::rpc
