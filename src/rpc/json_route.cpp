#include "rpc/json_route.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "http/cookies.hpp"
#include "http/same_origin.hpp"
#include "rpc/jsonrpc_codec.hpp"
#include "rpc/rpc_routes.hpp"

namespace citadel::rpc {
namespace {

bool IsJsonMimetype(std::optional<std::string> content_type) {
  if (!content_type) return false;
  std::string type = content_type->substr(0, content_type->find(';'));
  type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c); }),
             type.end());
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type == "application/json" || type == "application/json-rpc";
}

}  // namespace

http::Response PlainTextResponse(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

http::Response JsonRouteAnswer(const orm::Value& id, const RpcOutcome& outcome) {
  http::Response response;
  response.content_type = kJsonType;
  const auto* error = std::get_if<RpcError>(&outcome);
  if (!error) {
    response.body = SerializeJsonRpcResult(id, std::get<orm::Value>(outcome));
    return response;
  }
  if (error->kind == RpcError::Kind::kBusy) response.status = 503;
  const orm::Value data = JsonRpcErrorDataFor(*error);
  if (error->name == "odoo.http.SessionExpiredException") {
    response.body = SerializeJsonRpcError(id, data, 100, "Odoo Session Expired");
  } else if (error->name == "werkzeug.exceptions.NotFound") {
    response.body = SerializeJsonRpcError(id, data, 404, "404: Not Found");
  } else {
    response.body = SerializeJsonRpcError(id, data);
  }
  return response;
}

void AddJsonRoute(http::Router& router, core::BoundedWorkerPool& workers, std::string pattern,
                  JsonHandler handler) {
  auto shared_handler = std::make_shared<JsonHandler>(std::move(handler));
  router.Add(
      "POST", pattern,
      [&workers, pattern, shared_handler](const http::Request& request, http::Responder respond) {
        if (!IsJsonMimetype(request.Header("Content-Type"))) {
          return respond(PlainTextResponse(400, "Request inferred type is compatible with ['http'] but '" + pattern +
                                        "' is type='json'."));
        }
        // CSRF: the session cookie rides along on a forged cross-site POST,
        // the Origin header tells it apart (http/same_origin.hpp).
        const auto origin = request.Header("Origin");
        const auto host = request.Header("Host");
        if (http::IsForeignOrigin(origin ? std::optional<std::string_view>(*origin) : std::nullopt,
                                  host ? std::optional<std::string_view>(*host) : std::nullopt)) {
          return respond(PlainTextResponse(403, "Forbidden: this request comes from another site (its Origin "
                                                "is not this server's)."));
        }
        JsonCall call;
        call.path = request.path;
        call.session_id = http::CookieValue(request, "session_id");
        call.request_id = request.request_id;
        call.client_ip = request.client_ip.ToString();
        auto task = [shared_handler, body = request.body, call = std::move(call), respond]() mutable {
          auto parsed = ParseJsonRpcRequest(body);
          if (!parsed) {
            const std::string& message = parsed.error().message;
            if (message.starts_with("Invalid JSON")) return respond(PlainTextResponse(400, message));
            return respond(JsonRouteAnswer(orm::Value(), RpcError::TypeError(message)));
          }
          call.params = std::move(parsed->params);
          (*shared_handler)(std::move(call), [id = parsed->id, respond](JsonReply reply) {
            http::Response response = JsonRouteAnswer(id, reply.outcome);
            for (auto& header : reply.headers) response.headers.push_back(std::move(header));
            respond(std::move(response));
          });
        };
        if (!workers.Submit(std::move(task))) respond(JsonRouteAnswer(orm::Value(), RpcError::Busy()));
      },
      http::RouteOptions{kRpcBodyBytes});
}

}  // namespace citadel::rpc
