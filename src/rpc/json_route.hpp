// A route of Odoo's type='json' (odoo/http.py JsonRPCDispatcher), the shape
// of /jsonrpc and of the web routes (/web/session/*, /web/dataset/call_kw):
// a POST whose body is a JSON-RPC 2.0 envelope; `params` is the call's named
// arguments; the answer is {"jsonrpc", "id", "result"} or {"error"}.
//
//   AddJsonRoute(router, workers, "/web/session/destroy",
//                [](JsonCall call, JsonReplyFn reply) { ... reply({Value(), {}}); });
//
// The route refuses a request whose Origin is another site's with 403
// (CSRF: the routes authenticate by cookie; http/same_origin.hpp), then
// checks the declared content type (anything but application/json
// or application/json-rpc is 400, as Odoo), parses the body with the
// codec's bounds (400 "Invalid JSON data"), and runs the handler on the db
// worker pool, never on the I/O thread; a full pool answers 503 "server
// busy" at once. Errors map as Odoo's handle_error: SessionExpired is code
// 100 "Odoo Session Expired", NotFound 404 "404: Not Found", the rest 200
// "Odoo Server Error" (rpc_error.hpp); HTTP status 200 except 503 for busy.
//
// The handler may hand work to other pools and reply from any thread,
// exactly once. `workers` must outlive the router.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bounded_worker_pool.hpp"
#include "http/router.hpp"
#include "orm/value.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

struct JsonCall {
  orm::Value params = orm::Value::object();  // the envelope's params: always an object
  std::string path;                          // the request's path
  std::optional<std::string> session_id;     // the session_id cookie, if sent
  std::string request_id;
  std::string client_ip;  // the client's address (sign-in throttling)
};

struct JsonReply {
  RpcOutcome outcome;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Set-Cookie
};

using JsonReplyFn = std::function<void(JsonReply)>;
using JsonHandler = std::function<void(JsonCall, JsonReplyFn)>;

// Adds POST `pattern` (exact, or a prefix ending in "/*").
void AddJsonRoute(http::Router& router, core::BoundedWorkerPool& workers, std::string pattern,
                  JsonHandler handler);

// A text/plain answer (Odoo's for requests it refuses before dispatching).
http::Response PlainTextResponse(int status, std::string body);

// The HTTP answer for an outcome of a type='json' route.
http::Response JsonRouteAnswer(const orm::Value& id, const RpcOutcome& outcome);

}  // namespace citadel::rpc
