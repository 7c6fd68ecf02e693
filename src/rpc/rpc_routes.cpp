#include "rpc/rpc_routes.hpp"

#include <memory>

#include "rpc/json_route.hpp"
#include "rpc/python_signature.hpp"
#include "rpc/xmlrpc_codec.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

enum class FaultStyle { kInt, kString };

constexpr const char* kXmlType = "text/xml; charset=utf-8";

http::Response XmlFault(FaultStyle style, const RpcError& error) {
  http::Response response;
  response.content_type = kXmlType;
  response.status = error.kind == RpcError::Kind::kBusy ? 503 : 200;
  if (style == FaultStyle::kInt) {
    const XmlRpcFaultInt fault = IntFaultFor(error);
    response.body = SerializeXmlRpcFault(fault.code, fault.text);
  } else {
    const XmlRpcFaultString fault = StringFaultFor(error);
    response.body = SerializeXmlRpcFault(std::string_view(fault.code), fault.text);
  }
  return response;
}

http::Response XmlAnswer(FaultStyle style, const RpcOutcome& outcome) {
  if (const auto* error = std::get_if<RpcError>(&outcome)) return XmlFault(style, *error);
  auto body = SerializeXmlRpcResponse(std::get<Value>(outcome));
  // Odoo: Python's marshaller raises (OverflowError for an int past 32 bits).
  if (!body) return XmlFault(style, RpcError::Raised("builtins.OverflowError", body.error().message));
  http::Response response;
  response.content_type = kXmlType;
  response.body = std::move(*body);
  return response;
}

// The one path segment after `prefix`, or "" when there is none or more.
std::string ServiceName(const std::string& path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return {};
  std::string rest = path.substr(prefix.size());
  return rest.find('/') == std::string::npos ? rest : std::string();
}

void AddXmlRpcRoute(http::Router& router, RpcServices& services, std::string prefix, FaultStyle style) {
  router.Add(
      "POST", prefix + "*",
      [&services, prefix, style](const http::Request& request, http::Responder respond) {
        std::string service = ServiceName(request.path, prefix);
        if (service.empty()) return respond(PlainTextResponse(404, "Not Found"));
        auto task = [&services, style, service, body = request.body, request_id = request.request_id,
                     client_ip = request.client_ip.ToString(), respond] {
          auto parsed = ParseXmlRpcCall(body);
          if (!parsed) {
            // Odoo: xmlrpc.client.loads raises; the fault is an application error.
            return respond(XmlFault(style, RpcError::Raised("xml.parsers.expat.ExpatError",
                                                            parsed.error().message)));
          }
          RpcCall call{service, std::move(parsed->method), std::move(parsed->params), request_id, client_ip};
          DispatchRpc(services, std::move(call),
                      [style, respond](RpcOutcome outcome) { respond(XmlAnswer(style, outcome)); });
        };
        if (!services.db_workers.Submit(std::move(task))) respond(XmlFault(style, RpcError::Busy()));
      },
      http::RouteOptions{kRpcBodyBytes});
}

// The /jsonrpc endpoint's own arguments: RPC.jsonrpc(self, service, method, args).
std::variant<RpcCall, RpcError> JsonRpcCall(const Value& params, const std::string& request_id,
                                            const std::string& client_ip) {
  std::vector<std::string> missing;
  for (const char* name : {"service", "method", "args"}) {
    if (!params.contains(name)) missing.emplace_back(name);
  }
  if (auto error = PythonSignature{"RPC.jsonrpc", {"service", "method", "args"}}.Missing(missing)) {
    return *error;
  }
  const Value& args = params["args"];
  if (!args.is_array()) {
    return RpcError::TypeError("dispatch() argument after * must be an iterable, not " +
                               PythonTypeName(args));
  }
  auto text = [](const Value& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  return RpcCall{text(params["service"]), text(params["method"]), args, request_id, client_ip};
}

void AddJsonRpcRoute(http::Router& router, RpcServices& services) {
  AddJsonRoute(router, services.db_workers, "/jsonrpc", [&services](JsonCall json, JsonReplyFn reply) {
    auto call = JsonRpcCall(json.params, json.request_id, json.client_ip);
    if (auto* error = std::get_if<RpcError>(&call)) return reply({*error, {}});
    DispatchRpc(services, std::move(std::get<RpcCall>(call)),
                [reply](RpcOutcome outcome) { reply({std::move(outcome), {}}); });
  });
}

}  // namespace

void AddRpcRoutes(http::Router& router, RpcServices& services) {
  AddXmlRpcRoute(router, services, "/xmlrpc/2/", FaultStyle::kInt);
  AddXmlRpcRoute(router, services, "/xmlrpc/", FaultStyle::kString);
  AddJsonRpcRoute(router, services);
}

}  // namespace citadel::rpc
