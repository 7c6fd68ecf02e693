// RpcError: what an RPC call failed with, as Odoo would name it, and how each
// transport shows it. Odoo's wire behaviour (odoo/addons/base/controllers/
// rpc.py, odoo/http.py serialize_exception) is keyed by the Python exception
// class, so an RpcError carries that class name ("odoo.exceptions.AccessError",
// "builtins.KeyError"), not a C++ type: MethodNotFound is a C++ UserError but
// Odoo's AttributeError, and answers as one.
//
//   /xmlrpc/2 (int codes, xmlrpc_handle_exception_int): AccessError 4,
//     AccessDenied 3, UserError and its kin (ValidationError, MissingError) 2,
//     anything else 1. The fault string is the exception's text; for "anything
//     else" Odoo sends its traceback, Citadel only its last line
//     ("AttributeError: The method 'x.y' does not exist").
//   /xmlrpc (string codes, xmlrpc_handle_exception_string): "warning --
//     MissingError\n\n<text>", "warning -- AccessError\n\n<text>",
//     "AccessDenied" / "Access Denied", "warning -- UserError\n\n<text>", else
//     the text as code and an empty traceback.
//   /jsonrpc: error {code 200, "Odoo Server Error", data {name, debug "",
//     message, arguments, context {}}}.
//
// Internal failures (a database error, a bug) become kind kInternal: a generic
// text naming the request id, nothing else; the detail goes to the log only.
// Plain values; thread-safe.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "orm/value.hpp"

namespace citadel::rpc {

struct RpcError {
  enum class Kind { kRaised, kInternal, kBusy };
  Kind kind = Kind::kRaised;
  std::string name;     // Python's module.class: "odoo.exceptions.UserError"
  std::string message;  // Odoo's exception_to_unicode(e)
  orm::Value arguments = orm::Value::array();  // e.args

  // An exception raised with one text argument, as Odoo's are.
  static RpcError Raised(std::string name, std::string message);
  static RpcError AccessDenied();
  // Python's TypeError, e.g. from a call with the wrong arguments.
  static RpcError TypeError(std::string message);
  static RpcError Internal(std::string_view request_id);
  static RpcError Busy();
  // The connection to the database was lost after COMMIT was sent: the
  // change may or may not be saved, and is never replayed for the client.
  static RpcError CommitOutcomeUnknown(std::string_view request_id);
  // odoo.http.SessionExpiredException("Session expired"): a web route that
  // needs a user got no live session. JSON answers it with code 100.
  static RpcError SessionExpired();
  // werkzeug's NotFound: JSON answers it with code 404 "404: Not Found".
  static RpcError NotFound();
};

// The RpcError for an exception caught at the entry point: orm's typed
// hierarchy by its OdooName(); anything else is kInternal, and is logged
// (what(), never arguments) with the request id and `where`.
RpcError RpcErrorFromException(const std::exception_ptr& error, std::string_view request_id,
                               std::string_view where);

// A tenant connection could not be had: Busy when the pools are full,
// otherwise Internal; logged with the request id and `where`.
RpcError ConnectionFailure(const core::Error& error, std::string_view request_id, std::string_view where);

struct XmlRpcFaultInt {
  int code = 1;
  std::string text;
};
struct XmlRpcFaultString {
  std::string code;
  std::string text;
};

XmlRpcFaultInt IntFaultFor(const RpcError& error);
XmlRpcFaultString StringFaultFor(const RpcError& error);
// The JSON-RPC error's `data` member.
orm::Value JsonRpcErrorDataFor(const RpcError& error);

// Python's str(e) for the exception (KeyError quotes its argument).
std::string PythonStr(const RpcError& error);

}  // namespace citadel::rpc
