#include "rpc/jsonrpc_codec.hpp"

#include <string>

namespace citadel::rpc {
namespace {

using orm::Value;

struct TooLarge {
  std::string message;
};

// Invalid UTF-8 in a value (it cannot come from PostgreSQL, but a module
// could build one) is replaced rather than failing the whole answer.
std::string Dump(const Value& value) {
  return value.dump(-1, ' ', false, Value::error_handler_t::replace);
}

}  // namespace

core::Result<Value> ParseBoundedJson(std::string_view body, const JsonRpcLimits& limits) {
  if (body.size() > limits.max_body_bytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON data");
  }
  std::size_t values = 0;
  try {
    return Value::parse(
        body,
        [&](int depth, Value::parse_event_t event, Value&) {
          if (static_cast<std::size_t>(depth) > limits.max_depth) throw TooLarge{"nested too deeply"};
          if (event == Value::parse_event_t::value && ++values > limits.max_values) {
            throw TooLarge{"too many values"};
          }
          return true;
        },
        /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const TooLarge& refusal) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON data: " + refusal.message);
  } catch (const Value::exception&) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON data");
  }
}

core::Result<JsonRpcRequest> ParseJsonRpcRequest(std::string_view body, const JsonRpcLimits& limits) {
  auto bounded = ParseBoundedJson(body, limits);
  if (!bounded) return core::Unexpected(bounded.error());
  Value parsed = std::move(*bounded);
  if (!parsed.is_object()) return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON-RPC data");
  JsonRpcRequest request;
  if (auto id = parsed.find("id"); id != parsed.end()) request.id = *id;
  if (auto params = parsed.find("params"); params != parsed.end() && !params->is_null()) {
    if (!params->is_object()) return core::Fail(core::ErrorCode::kInvalidArgument, "params must be an object");
    request.params = std::move(*params);
  }
  return request;
}

Value OdooErrorData(std::string_view name, std::string_view message, std::string_view debug) {
  Value data = Value::object();
  data["name"] = std::string(name);
  data["debug"] = std::string(debug);
  data["message"] = std::string(message);
  data["arguments"] = Value::array({std::string(message)});
  data["context"] = Value::object();
  return data;
}

std::string SerializeJsonRpcResult(const Value& id, const Value& result) {
  // The text of {"jsonrpc": "2.0", "id": id, "result": result} dumped, without
  // copying the result into that object first (a deep copy of every row
  // read; callgrind put it at 4% of a read call).
  std::string text = "{\"jsonrpc\":\"2.0\",\"id\":";
  text += Dump(id);
  text += ",\"result\":";
  text += Dump(result);
  text += '}';
  return text;
}

std::string SerializeJsonRpcError(const Value& id, const Value& data, int code, std::string_view message) {
  Value response = Value::object();
  response["jsonrpc"] = "2.0";
  response["id"] = id;
  response["error"] = {{"code", code}, {"message", std::string(message)}, {"data", data}};
  return Dump(response);
}

}  // namespace citadel::rpc
