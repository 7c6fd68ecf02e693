// Python's positional-argument binding for the services' fixed signatures
// (exp_authenticate(db, login, password, user_agent_env), execute_kw(db, uid,
// obj, method, args, kw=None), ...): too few or too many arguments fail with
// Python's own TypeError text, which Odoo's clients see in the fault.
//
//   PythonSignature sig{"exp_login", {"db", "login", "password"}};
//   if (auto error = sig.Check(params.size())) return done(*error);
//
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "orm/value.hpp"
#include "rpc/rpc_error.hpp"

namespace citadel::rpc {

struct PythonSignature {
  std::string function;            // as Python names it: "exp_login", "RPC.jsonrpc"
  std::vector<std::string> names;  // positional parameters, required first
  std::size_t optional = 0;        // how many of the last ones have defaults
  bool varargs = false;            // takes *args after them

  // nullopt if `given` positional arguments bind; else Python's TypeError:
  // "exp_login() missing 1 required positional argument: 'password'",
  // "exp_version() takes 0 positional arguments but 1 was given".
  std::optional<RpcError> Check(std::size_t given) const;
  // The names of the required parameters from `given` on, in Python's words.
  std::optional<RpcError> Missing(const std::vector<std::string>& missing) const;
};

// Python's int(value) for what the wire carries: integers, booleans, finite
// floats (truncated) and decimal strings; else ValueError/TypeError in
// Python's words ("invalid literal for int() with base 10: 'x'").
std::variant<std::int64_t, RpcError> PythonInt(const orm::Value& value);

// Python's type name of a wire value: 'int', 'str', 'list', 'dict', 'NoneType'...
std::string PythonTypeName(const orm::Value& value);

}  // namespace citadel::rpc
