#include "rpc/jsonrpc_codec.hpp"

#include <gtest/gtest.h>

namespace citadel::rpc {
namespace {

using orm::Value;

std::string JsonRefusal(std::string_view body, const JsonRpcLimits& limits = {}) {
  auto request = ParseJsonRpcRequest(body, limits);
  return request ? "accepted" : request.error().message;
}

TEST(JsonRpcParse, OdooClientRequest) {
  auto request = ParseJsonRpcRequest(
      R"({"jsonrpc": "2.0", "method": "call", "params": {"service": "object", "method": "execute_kw",
          "args": ["demo", 2, "pw", "res.partner", "search", [[]]]}, "id": 7})");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->id, 7);
  EXPECT_EQ(request->params["service"], "object");
  EXPECT_EQ(request->params["args"][3], "res.partner");
}

TEST(JsonRpcParse, MissingIdAndParams) {
  auto request = ParseJsonRpcRequest(R"({"jsonrpc": "2.0", "method": "call"})");
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->id.is_null());
  EXPECT_EQ(request->params, Value::object());
}

TEST(JsonRpcParse, RefusalsAsOdooWordsThem) {
  EXPECT_EQ(JsonRefusal("{not json"), "Invalid JSON data");
  EXPECT_EQ(JsonRefusal(""), "Invalid JSON data");
  EXPECT_EQ(JsonRefusal("[1, 2]"), "Invalid JSON-RPC data");
  EXPECT_EQ(JsonRefusal(R"({"params": [1]})"), "params must be an object");
  EXPECT_EQ(JsonRefusal("{\"a\": 1} trailing"), "Invalid JSON data");
}

TEST(JsonRpcParse, BoundsDepthValuesAndSize) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(JsonRefusal(deep), "Invalid JSON data: nested too deeply");
  std::string many = "{\"params\": {\"args\": [";
  for (int i = 0; i < 100; ++i) many += (i ? ",1" : "1");
  many += "]}}";
  JsonRpcLimits small;
  small.max_values = 50;
  EXPECT_EQ(JsonRefusal(many, small), "Invalid JSON data: too many values");
  small.max_body_bytes = 8;
  EXPECT_EQ(JsonRefusal(many, small), "Invalid JSON data");
}

std::string ParamsWith(std::string_view key, std::string_view value) {
  return R"({"params": {")" + std::string(key) + R"(": ")" + std::string(value) + R"("}})";
}

TEST(JsonRpcParse, BoundsEachStringAndKey) {
  JsonRpcLimits small;
  small.max_string_bytes = 8;
  small.max_key_bytes = 6;  // "params" fits
  EXPECT_EQ(JsonRefusal(ParamsWith("k", "12345678"), small), "accepted");
  const std::string too_long = "Invalid JSON data: a string is longer than 8 bytes";
  EXPECT_EQ(JsonRefusal(ParamsWith("k", "123456789"), small), too_long);
  // Base64 (a binary field's value) is a string like any other.
  EXPECT_EQ(JsonRefusal(ParamsWith("k", "QUJDREVG"), small), "accepted");
  EXPECT_EQ(JsonRefusal(ParamsWith("k", "QUJDREVGSA"), small), too_long);
  // Bytes of the decoded text: "\u00e9" is two, "\n" and "\"" one each.
  auto decoded = ParseJsonRpcRequest(ParamsWith(R"(\u00e9k)", R"(\u00e9\n\"1234)"), small);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->params, Value::object({{"\xc3\xa9k", "\xc3\xa9\n\"1234"}}));
  EXPECT_EQ(JsonRefusal(ParamsWith("k", R"(\u00e9\n\"12345)"), small), too_long);
  EXPECT_EQ(JsonRefusal(ParamsWith("abcdef", "v"), small), "accepted");
  const std::string key_too_long = "Invalid JSON data: a key is longer than 6 bytes";
  EXPECT_EQ(JsonRefusal(ParamsWith("abcdefg", "v"), small), key_too_long);
  EXPECT_EQ(JsonRefusal(ParamsWith(R"(\u00e9abcde)", "v"), small), key_too_long);
  // The id, and any JSON value (JSON-2's bodies), are bounded the same way.
  EXPECT_EQ(JsonRefusal(R"({"id": "123456789"})", small), too_long);
  auto bare = ParseBoundedJson(R"("123456789")", small);
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().message, too_long);
}

// A binary as large as a call can carry (12 MiB: base64 of exactly 16 MiB)
// passes the default bounds; one byte more is refused. The body cap is raised
// to leave room for the envelope, as only the string bound is under test.
TEST(JsonRpcParse, DefaultBoundsFitTheLargestBinaryACallCarries) {
  const JsonRpcLimits defaults;
  ASSERT_EQ(defaults.max_string_bytes, std::size_t{16} * 1024 * 1024);
  ASSERT_EQ(defaults.max_key_bytes, 1024u);
  JsonRpcLimits roomy;
  roomy.max_body_bytes = 2 * defaults.max_string_bytes;
  const std::string base64(defaults.max_string_bytes, 'A');
  auto request = ParseJsonRpcRequest(ParamsWith("datas", base64), roomy);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->params["datas"].get_ref<const std::string&>().size(), base64.size());
  EXPECT_EQ(JsonRefusal(ParamsWith("datas", base64 + "A"), roomy),
            "Invalid JSON data: a string is longer than 16777216 bytes");
  EXPECT_EQ(JsonRefusal(ParamsWith(std::string(1024, 'k'), "v")), "accepted");
  EXPECT_EQ(JsonRefusal(ParamsWith(std::string(1025, 'k'), "v")),
            "Invalid JSON data: a key is longer than 1024 bytes");
}

// The limits as nlohmann's callback parser applied them until session 16:
// the builder that replaced it must accept and refuse exactly the same.
std::string ThroughCallbackParser(std::string_view body, const JsonRpcLimits& limits) {
  std::size_t values = 0;
  try {
    const Value unused = Value::parse(
        body,
        [&](int depth, Value::parse_event_t event, Value&) {
          if (static_cast<std::size_t>(depth) > limits.max_depth) throw std::string("nested too deeply");
          if (event == Value::parse_event_t::value && ++values > limits.max_values) {
            throw std::string("too many values");
          }
          return true;
        },
        true, false);
    static_cast<void>(unused);
  } catch (const std::string& refusal) {
    return "Invalid JSON data: " + refusal;
  } catch (const Value::exception&) {
    return "Invalid JSON data";
  }
  return "accepted";
}

TEST(JsonRpcParse, LimitsRefuseWhatTheCallbackParserRefused) {
  const std::vector<std::string> bodies = {
      "1", "\"a\"", "null", "[]", "{}", "[[]]", "[{}]", "{\"a\":{}}", "{\"a\":[]}", "[1,2,3]", "[[1],[2,[3]]]",
      "{\"a\":1,\"b\":{\"c\":[true,false,null]}}", "[[[[[]]]]]", "{\"a\":{\"b\":{\"c\":{}}}}", "[1,[2,[3,[4]]]]",
      "[{\"k\":[{\"k\":1.5e3}]}]", "[1,2", "[[]]]", "{\"a\" 1}", "[1] x", "[\"\\u00e9\", -0, 1e400]"};
  for (std::size_t depth = 0; depth <= 5; ++depth) {
    for (std::size_t count = 0; count <= 6; ++count) {
      JsonRpcLimits limits;
      limits.max_depth = depth;
      limits.max_values = count;
      for (const std::string& body : bodies) {
        auto parsed = ParseBoundedJson(body, limits);
        EXPECT_EQ(parsed ? "accepted" : parsed.error().message, ThroughCallbackParser(body, limits))
            << body << " depth " << depth << " values " << count;
        if (parsed) {
          EXPECT_EQ(*parsed, Value::parse(body)) << body;
        }
      }
    }
  }
}

TEST(JsonRpcSerialize, ResultAndErrorShapes) {
  EXPECT_EQ(SerializeJsonRpcResult(3, Value::array({1, 2})), R"({"jsonrpc":"2.0","id":3,"result":[1,2]})");
  const std::string error = SerializeJsonRpcError(nullptr, OdooErrorData("odoo.exceptions.AccessError", "No."));
  EXPECT_EQ(Value::parse(error), Value::parse(R"({"jsonrpc": "2.0", "id": null, "error": {"code": 200,
      "message": "Odoo Server Error", "data": {"name": "odoo.exceptions.AccessError", "debug": "",
      "message": "No.", "arguments": ["No."], "context": {}}}})"));
}

TEST(JsonRpcSerialize, ResultTextIsTheDumpOfTheResponseObject) {
  const Value rows = Value::parse(R"([{"id": 7, "name": "Caf\u00e9 \"A\"", "parent_id": [3, "Top"],
      "email": false, "ratio": 0.5, "child_ids": [], "meta": {"k": null}}])");
  for (const Value& id : {Value(1), Value(nullptr), Value("req-\n1"), Value::object({{"a", 1}})}) {
    const Value response = Value::object({{"jsonrpc", "2.0"}, {"id", id}, {"result", rows}});
    EXPECT_EQ(SerializeJsonRpcResult(id, rows), response.dump(-1, ' ', false, Value::error_handler_t::replace));
  }
}

TEST(JsonRpcSerialize, InvalidUtf8IsReplacedNotFatal) {
  const std::string out = SerializeJsonRpcResult(1, Value(std::string("a\xff" "b")));
  EXPECT_NE(out.find("a\xef\xbf\xbd" "b"), std::string::npos);
}

}  // namespace
}  // namespace citadel::rpc
