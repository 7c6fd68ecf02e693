// The XML-RPC wire format, as Odoo 18's /xmlrpc/2 endpoints speak it (Python's
// xmlrpc.client with Odoo's marshaller, odoo/addons/base/controllers/rpc.py).
//
// Requests: a <methodCall> with <methodName> and <params>. Values map onto
// orm::Value: int/i4/i8 -> integer; boolean; double; string (and an untyped
// <value>text</value>); base64 -> the base64 text as a string (Odoo's binary
// fields take base64 strings); dateTime.iso8601 ("20260123T10:00:00") ->
// "2026-01-23 10:00:00", the string Odoo's datetime fields take; array;
// struct; <nil/> -> null (clients send None with allow_none=True).
//
// Responses: Odoo's marshaller's output, line for line: integers as <int>
// (outside 32 bits a fault, as Python's "int exceeds XML-RPC limits"),
// doubles, booleans, strings with XML 1.0's forbidden control characters
// removed, arrays, structs; null as <nil/>. Odoo 18 marshals with
// allow_none=False (controllers/rpc.py dumps()), so there a method returning
// None (check_access_rights with raise_exception=True) is fault 1 "cannot
// marshal None unless allow_none is enabled"; Citadel answers <nil/> on
// purpose (clients call with allow_none=True).
// Faults: <fault> with faultCode and faultString.
//
// Safety: the parser refuses any DOCTYPE (no entities, so no XXE and no
// entity expansion bombs), never touches the network, and bounds the body,
// nesting depth, the number of values and each string's length (XmlRpcLimits,
// checked while the tree is walked, before the value is built), and the
// tree's nodes while libxml2 builds it (6 per allowed value); every refusal
// is a message fit for a client (no internals). Pure functions: thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "orm/value.hpp"

namespace citadel::rpc {

struct XmlRpcLimits {
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::size_t max_depth = 32;        // nested arrays/structs
  std::size_t max_values = 200'000;  // every <value> counts
  // One <string>, untyped <value> or <base64> (leading and trailing
  // whitespace not counted, as not kept), in bytes of the decoded text the
  // value holds (entities resolved, UTF-8). Binary fields travel as base64
  // here, so this must fit the largest binary a call can carry: the file
  // store takes 64 MiB (base64: 89,478,488 bytes), but no call body passes
  // 16 MiB (kRpcBodyBytes, max_body_bytes), which holds at most a 12 MiB
  // binary, whose base64 is exactly 16 MiB. Raising the body cap for larger
  // binaries means raising this with it.
  std::size_t max_string_bytes = 16 * 1024 * 1024;
  // One struct member's <name> (field names, context keys, kwargs names).
  std::size_t max_name_bytes = 1024;
};

struct XmlRpcCall {
  std::string method;
  orm::Value params = orm::Value::array();
};

// kInvalidArgument with a message naming what is wrong.
core::Result<XmlRpcCall> ParseXmlRpcCall(std::string_view body, const XmlRpcLimits& limits = {});

// <methodResponse> with one param. kInvalidArgument when a value cannot be
// marshalled (an integer outside 32 bits), so the caller sends a fault.
core::Result<std::string> SerializeXmlRpcResponse(const orm::Value& result);

// <methodResponse> with a <fault>. Odoo's /xmlrpc/2 codes: 1 application
// error, 2 warning (UserError), 3 access denied, 4 access error.
std::string SerializeXmlRpcFault(int fault_code, std::string_view fault_string);

// Odoo's /xmlrpc (version 1) faults carry a string code instead.
std::string SerializeXmlRpcFault(std::string_view fault_code, std::string_view fault_string);

}  // namespace citadel::rpc
