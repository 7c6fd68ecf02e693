#include "rpc/jsonrpc_codec.hpp"

#include <string>

namespace citadel::rpc {
namespace {

using orm::Value;

// Builds the value as nlohmann's own parser does (its DOM builder), and
// refuses at the first event past a limit: `depth` is how many arrays and
// objects enclose a key or value, `values` counts the scalars; a string or a
// key longer than its bound is refused before the DOM takes it (nlohmann's
// lexer has decoded it into its token buffer, which the body bounds). Before
// session 16 these limits were a callback of nlohmann's callback parser,
// which cost a fifth more per parse (a copy of every key, a std::function
// call per event); the events refused, and their order, are the same.
class BoundedDomBuilder {
 public:
  BoundedDomBuilder(Value& out, const JsonRpcLimits& limits) : dom_(out, /*allow_exceptions=*/false), limits_(limits) {}

  bool null() { return Admit(true) && dom_.null(); }
  bool boolean(bool value) { return Admit(true) && dom_.boolean(value); }
  bool number_integer(Value::number_integer_t value) { return Admit(true) && dom_.number_integer(value); }
  bool number_unsigned(Value::number_unsigned_t value) { return Admit(true) && dom_.number_unsigned(value); }
  bool number_float(Value::number_float_t value, const Value::string_t& text) {
    return Admit(true) && dom_.number_float(value, text);
  }
  bool string(Value::string_t& value) {
    return Admit(true) && Fits(value, limits_.max_string_bytes, "a string") && dom_.string(value);
  }
  bool binary(Value::binary_t& value) { return Admit(true) && dom_.binary(value); }
  bool start_object(std::size_t elements) {
    if (!Admit(false)) return false;
    ++depth_;
    return dom_.start_object(elements);
  }
  bool key(Value::string_t& name) {
    return Admit(false) && Fits(name, limits_.max_key_bytes, "a key") && dom_.key(name);
  }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t elements) {
    if (!Admit(false)) return false;
    ++depth_;
    return dom_.start_array(elements);
  }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& error) {
    return dom_.parse_error(position, token, error);
  }

  // Empty unless a limit refused the body.
  const std::string& refusal() const { return refusal_; }
  bool errored() const { return dom_.is_errored(); }

 private:
  bool Admit(bool scalar) {
    if (depth_ > limits_.max_depth) {
      refusal_ = "nested too deeply";
      return false;
    }
    if (scalar && ++values_ > limits_.max_values) {
      refusal_ = "too many values";
      return false;
    }
    return true;
  }

  bool Fits(const Value::string_t& text, std::size_t max_bytes, std::string_view what) {
    if (text.size() <= max_bytes) return true;
    refusal_ = std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes";
    return false;
  }

  nlohmann::detail::json_sax_dom_parser<Value> dom_;
  const JsonRpcLimits& limits_;
  std::size_t depth_ = 0;
  std::size_t values_ = 0;
  std::string refusal_;
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
  Value parsed;
  BoundedDomBuilder builder(parsed, limits);
  const bool built = Value::sax_parse(body, &builder, nlohmann::detail::input_format_t::json, /*strict=*/true,
                                      /*ignore_comments=*/false);
  if (!builder.refusal().empty()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON data: " + builder.refusal());
  }
  if (!built || builder.errored()) return core::Fail(core::ErrorCode::kInvalidArgument, "Invalid JSON data");
  return parsed;
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
