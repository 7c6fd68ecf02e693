// The HTTP routes of Odoo's external API, as Odoo 18's RPC controller
// (odoo/addons/base/controllers/rpc.py) serves them:
//
//   POST /xmlrpc/2/<service>   XML-RPC, faults with int codes (1, 2, 3, 4)
//   POST /xmlrpc/<service>     XML-RPC version 1, faults with string codes
//   POST /jsonrpc              JSON-RPC, params {service, method, args}
//
// Each request's body is parsed and dispatched (rpc_services.hpp) on the db
// worker pool, never on the I/O thread; a full pool answers at once with HTTP
// 503 and a fault / error "server busy". Faults and errors are answered with
// HTTP 200, as Odoo does; what they carry is rpc_error.hpp's mapping.
// Content types are Odoo's: text/xml and application/json (charset utf-8);
// /jsonrpc refuses a body that is not declared JSON (400), and a body that is
// not JSON (400 "Invalid JSON data"), as Odoo's JsonRPCDispatcher.
//
// Bodies are bounded by the edge: kRpcBodyBytes for these routes unless the
// operator's limits.route_body_bytes says otherwise, and by the codecs'
// limits while parsing: depth, values, each string's and name's length, and
// for XML-RPC the nodes of the tree libxml2 builds (xmlrpc_codec.hpp,
// jsonrpc_codec.hpp).
//
// `services` (and what it refers to) must outlive the router and the server.
#pragma once

#include <cstddef>

#include "http/router.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

inline constexpr std::size_t kRpcBodyBytes = 16 * 1024 * 1024;
// The content type of the JSON answers (/jsonrpc, /web/..., JSON-2).
inline constexpr const char* kJsonType = "application/json; charset=utf-8";

void AddRpcRoutes(http::Router& router, RpcServices& services);

}  // namespace citadel::rpc
