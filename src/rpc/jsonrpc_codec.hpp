// The JSON-RPC 2.0 envelope as Odoo 18 speaks it (odoo/http.py
// JsonRPCDispatcher): requests {"jsonrpc": "2.0", "method": "call",
// "params": {...}, "id": ...} whose `method` is ignored (the path routes);
// answers {"jsonrpc": "2.0", "id": ..., "result": ...} or
// {"jsonrpc": "2.0", "id": ..., "error": {"code": 200, "message": "Odoo
// Server Error", "data": {"name", "debug", "message", "arguments",
// "context"}}}, the shape Odoo's serialize_exception gives.
//
// Bounded: body size, nesting depth, the number of values and the length of
// each string and object key are checked while parsing (a bounded SAX DOM
// builder: each value is refused before it is added), so a hostile body
// cannot exhaust the stack or memory. Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "orm/value.hpp"

namespace citadel::rpc {

struct JsonRpcLimits {
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::size_t max_depth = 64;
  std::size_t max_values = 500'000;
  // One string value, in bytes of the decoded text the value holds (escapes
  // resolved, UTF-8). Binary fields travel as base64 strings, so this must
  // fit the largest binary a call can carry: the file store takes 64 MiB
  // (base64: 89,478,488 bytes), but no call body passes 16 MiB
  // (kRpcBodyBytes, max_body_bytes), which holds at most a 12 MiB binary,
  // whose base64 is exactly 16 MiB. Raising the body cap for larger
  // binaries means raising this with it.
  std::size_t max_string_bytes = 16 * 1024 * 1024;
  // One object key (field names, context keys, kwargs names), decoded bytes.
  std::size_t max_key_bytes = 1024;
};

struct JsonRpcRequest {
  orm::Value id;                             // echoed back; null when absent
  orm::Value params = orm::Value::object();  // always an object
};

// Any JSON value, with the limits' bounds: kInvalidArgument "Invalid JSON
// data" (with what was too large, when a bound was passed) otherwise.
core::Result<orm::Value> ParseBoundedJson(std::string_view body, const JsonRpcLimits& limits = {});

// Odoo answers a body that is not JSON with HTTP 400 "Invalid JSON data",
// and one that is not an object with 400 "Invalid JSON-RPC data": the error's
// message is that text, for the caller to send as such. `params` that is not
// an object is kInvalidArgument too ("params must be an object", where Odoo
// fails with a Python error inside a 200 answer).
core::Result<JsonRpcRequest> ParseJsonRpcRequest(std::string_view body, const JsonRpcLimits& limits = {});

// The error member's `data`, as Odoo's serialize_exception: `name` is the
// exception class ("odoo.exceptions.AccessError"), `message` its text,
// `arguments` [message], `debug` what Odoo puts its traceback in (never ours:
// no internals leave the server), `context` {}.
orm::Value OdooErrorData(std::string_view name, std::string_view message, std::string_view debug = "");

std::string SerializeJsonRpcResult(const orm::Value& id, const orm::Value& result);
// code 200 "Odoo Server Error" for errors raised by the called method; 100
// "Odoo Session Expired" and 404 "404: Not Found" as Odoo uses them.
std::string SerializeJsonRpcError(const orm::Value& id, const orm::Value& data, int code = 200,
                                  std::string_view message = "Odoo Server Error");

}  // namespace citadel::rpc
