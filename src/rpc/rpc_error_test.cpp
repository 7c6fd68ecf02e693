#include "rpc/rpc_error.hpp"

#include <gtest/gtest.h>

#include "orm/errors.hpp"
#include "orm/method_dispatch.hpp"
#include "rpc/python_signature.hpp"

namespace citadel::rpc {
namespace {

using orm::Value;

RpcError From(auto exception) {
  return RpcErrorFromException(std::make_exception_ptr(exception), "req-1", "test");
}

// odoo/addons/base/controllers/rpc.py xmlrpc_handle_exception_int.
TEST(RpcFaults, IntCodesAsOdoo) {
  EXPECT_EQ(IntFaultFor(From(orm::AccessError("no"))).code, 4);
  EXPECT_EQ(IntFaultFor(From(orm::AccessDenied())).code, 3);
  EXPECT_EQ(IntFaultFor(From(orm::AccessDenied())).text, "Access Denied");
  EXPECT_EQ(IntFaultFor(From(orm::UserError("u"))).code, 2);
  EXPECT_EQ(IntFaultFor(From(orm::ValidationError("v"))).code, 2);
  EXPECT_EQ(IntFaultFor(From(orm::ValidationError("v"))).text, "v");
  EXPECT_EQ(IntFaultFor(From(orm::MissingError("m"))).code, 2);
  // C++ UserErrors that are Python's builtins in Odoo answer as those.
  const XmlRpcFaultInt attribute = IntFaultFor(From(orm::MethodNotFound("The method 'a.b' does not exist")));
  EXPECT_EQ(attribute.code, 1);
  EXPECT_EQ(attribute.text, "AttributeError: The method 'a.b' does not exist");
  EXPECT_EQ(IntFaultFor(From(orm::ArgumentError("x() takes 1"))).text, "TypeError: x() takes 1");
  EXPECT_EQ(IntFaultFor(RpcError::Raised("builtins.KeyError", "nope")).text, "KeyError: 'nope'");
}

TEST(RpcFaults, StringCodesAsOdooVersionOne) {
  auto fault = StringFaultFor(From(orm::MissingError("gone")));
  EXPECT_EQ(fault.code, "warning -- MissingError\n\ngone");
  EXPECT_EQ(fault.text, "");
  EXPECT_EQ(StringFaultFor(From(orm::AccessError("no"))).code, "warning -- AccessError\n\nno");
  fault = StringFaultFor(From(orm::AccessDenied()));
  EXPECT_EQ(fault.code, "AccessDenied");
  EXPECT_EQ(fault.text, "Access Denied");
  EXPECT_EQ(StringFaultFor(From(orm::ValidationError("bad"))).code, "warning -- UserError\n\nbad");
  fault = StringFaultFor(RpcError::Raised("builtins.KeyError", "common2"));
  EXPECT_EQ(fault.code, "common2");
  EXPECT_EQ(fault.text, "");  // Odoo's traceback: never sent
}

TEST(RpcFaults, JsonDataIsSerializeException) {
  const Value data = JsonRpcErrorDataFor(From(orm::AccessError("no access")));
  EXPECT_EQ(data, Value::parse(R"({"name": "odoo.exceptions.AccessError", "debug": "",
      "message": "no access", "arguments": ["no access"], "context": {}})"));
  EXPECT_EQ(JsonRpcErrorDataFor(From(orm::MethodNotFound("x")))["name"], "builtins.AttributeError");
}

TEST(RpcFaults, InternalErrorsSayNothingInternal) {
  const RpcError error = From(std::runtime_error("relation \"secret_table\" does not exist"));
  EXPECT_EQ(error.kind, RpcError::Kind::kInternal);
  EXPECT_EQ(error.message, "Internal Server Error (request req-1)");
  const XmlRpcFaultInt fault = IntFaultFor(error);
  EXPECT_EQ(fault.code, 1);
  EXPECT_EQ(fault.text.find("secret"), std::string::npos);
  EXPECT_EQ(JsonRpcErrorDataFor(error).dump().find("secret"), std::string::npos);
}

TEST(RpcFaults, AnUnknownCommitOutcomeSaysSoAndIsNotAnOdooUserError) {
  const RpcError error = RpcError::CommitOutcomeUnknown("req-9");
  EXPECT_EQ(error.kind, RpcError::Kind::kInternal);
  EXPECT_NE(error.message.find("may or may not have been saved"), std::string::npos);
  EXPECT_NE(error.message.find("req-9"), std::string::npos);
}

TEST(PythonSignatureTest, PythonsTypeErrorWords) {
  EXPECT_EQ((PythonSignature{"exp_version", {}}.Check(1)->message),
            "exp_version() takes 0 positional arguments but 1 was given");
  EXPECT_EQ((PythonSignature{"exp_login", {"db", "login", "password"}}.Check(1)->message),
            "exp_login() missing 2 required positional arguments: 'login' and 'password'");
  EXPECT_EQ((PythonSignature{"f", {"a", "b", "c"}}.Check(0)->message),
            "f() missing 3 required positional arguments: 'a', 'b', and 'c'");
  EXPECT_EQ((PythonSignature{"execute_kw", {"db", "uid", "obj", "method", "args", "kw"}, 1}.Check(7)->message),
            "execute_kw() takes from 5 to 6 positional arguments but 7 were given");
  EXPECT_FALSE((PythonSignature{"execute", {"db"}, 0, true}.Check(9)));
  EXPECT_FALSE((PythonSignature{"exp_about", {"extended"}, 1}.Check(0)));
}

TEST(PythonSignatureTest, IntAsPython) {
  EXPECT_EQ(std::get<std::int64_t>(PythonInt(Value(2))), 2);
  EXPECT_EQ(std::get<std::int64_t>(PythonInt(Value(" 12 "))), 12);
  EXPECT_EQ(std::get<std::int64_t>(PythonInt(Value(2.9))), 2);
  EXPECT_EQ(std::get<std::int64_t>(PythonInt(Value(true))), 1);
  EXPECT_EQ(std::get<RpcError>(PythonInt(Value("x1"))).message,
            "invalid literal for int() with base 10: 'x1'");
  EXPECT_EQ(std::get<RpcError>(PythonInt(Value())).message,
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'");
}

}  // namespace
}  // namespace citadel::rpc
