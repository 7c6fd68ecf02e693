#include "rpc/rpc_error.hpp"

#include "core/logger.hpp"
#include "orm/environment.hpp"
#include "orm/errors.hpp"

namespace citadel::rpc {
namespace {

constexpr std::string_view kOdooPrefix = "odoo.exceptions.";

bool IsOdoo(const RpcError& error, std::string_view cls) {
  return error.kind == RpcError::Kind::kRaised && error.name.size() == kOdooPrefix.size() + cls.size() &&
         error.name.starts_with(kOdooPrefix) && error.name.ends_with(cls);
}

// UserError and the subclasses Odoo's handlers do not single out.
bool IsUserErrorKin(const RpcError& error) {
  for (std::string_view cls : {"UserError", "ValidationError", "MissingError", "RedirectWarning",
                               "CacheMiss"}) {
    if (IsOdoo(error, cls)) return true;
  }
  return false;
}

// Python's traceback.format_exception_only, without the traceback above it.
std::string LastTracebackLine(const RpcError& error) {
  std::string_view name = error.name;
  if (name.starts_with("builtins.")) name.remove_prefix(9);
  std::string text = PythonStr(error);
  return text.empty() ? std::string(name) : std::string(name) + ": " + text;
}

}  // namespace

RpcError RpcError::Raised(std::string name, std::string message) {
  RpcError error;
  error.name = std::move(name);
  error.arguments = orm::Value::array({message});
  error.message = std::move(message);
  return error;
}

RpcError RpcError::AccessDenied() { return Raised("odoo.exceptions.AccessDenied", "Access Denied"); }

RpcError RpcError::TypeError(std::string message) {
  return Raised("builtins.TypeError", std::move(message));
}

RpcError RpcError::Internal(std::string_view request_id) {
  RpcError error = Raised("builtins.Exception",
                          "Internal Server Error (request " + std::string(request_id) + ")");
  error.kind = Kind::kInternal;
  return error;
}

RpcError ConnectionFailure(const core::Error& error, std::string_view request_id, std::string_view where) {
  core::Log().Error("no connection to the tenant",
                    {{"request_id", std::string(request_id)}, {"where", std::string(where)}, {"error", error.message}});
  return error.code == core::ErrorCode::kResourceExhausted ? RpcError::Busy() : RpcError::Internal(request_id);
}

RpcError RpcError::CommitOutcomeUnknown(std::string_view request_id) {
  core::Log().Warn("connection lost during commit: outcome unknown", {{"request_id", std::string(request_id)}});
  RpcError error = Raised("builtins.Exception",
                          "The connection to the database was lost while saving: the change may or may not "
                          "have been saved. Check before repeating it (request " +
                              std::string(request_id) + ")");
  error.kind = Kind::kInternal;
  return error;
}

RpcError RpcError::SessionExpired() {
  return Raised("odoo.http.SessionExpiredException", "Session expired");
}

RpcError RpcError::NotFound() {
  return Raised("werkzeug.exceptions.NotFound",
                "404 Not Found: The requested URL was not found on the server. If you entered the URL "
                "manually please check your spelling and try again.");
}

RpcError RpcError::Busy() {
  RpcError error = Raised("builtins.Exception", "server busy");
  error.kind = Kind::kBusy;
  return error;
}

RpcError RpcErrorFromException(const std::exception_ptr& error, std::string_view request_id,
                               std::string_view where) {
  try {
    std::rethrow_exception(error);
  } catch (const orm::UserError& e) {
    return RpcError::Raised(e.OdooName(), e.what());
  } catch (const orm::DatabaseError& e) {
    core::Log().Error("RPC call failed in the database",
                      {{"request_id", request_id}, {"where", where}, {"error", e.what()}});
  } catch (const std::exception& e) {
    core::Log().Error("RPC call failed",
                      {{"request_id", request_id}, {"where", where}, {"error", e.what()}});
  } catch (...) {
    core::Log().Error("RPC call failed with a non-standard exception",
                      {{"request_id", request_id}, {"where", where}});
  }
  return RpcError::Internal(request_id);
}

std::string PythonStr(const RpcError& error) {
  if (error.name == "builtins.KeyError" && error.arguments.size() == 1 &&
      error.arguments[0].is_string()) {
    return "'" + error.arguments[0].get<std::string>() + "'";
  }
  return error.message;
}

XmlRpcFaultInt IntFaultFor(const RpcError& error) {
  if (IsOdoo(error, "AccessError")) return {4, error.message};
  if (IsOdoo(error, "AccessDenied")) return {3, error.message};
  if (IsUserErrorKin(error)) return {2, error.message};
  if (error.kind != RpcError::Kind::kRaised) return {1, error.message};
  return {1, LastTracebackLine(error)};
}

XmlRpcFaultString StringFaultFor(const RpcError& error) {
  if (IsOdoo(error, "RedirectWarning")) return {"warning -- Warning\n\n" + error.message, ""};
  if (IsOdoo(error, "MissingError")) return {"warning -- MissingError\n\n" + error.message, ""};
  if (IsOdoo(error, "AccessError")) return {"warning -- AccessError\n\n" + error.message, ""};
  if (IsOdoo(error, "AccessDenied")) return {"AccessDenied", error.message};
  if (IsUserErrorKin(error)) return {"warning -- UserError\n\n" + error.message, ""};
  // Odoo: exception_to_unicode(e) as the code, the traceback as the string;
  // Citadel sends no traceback.
  return {error.message, ""};
}

orm::Value JsonRpcErrorDataFor(const RpcError& error) {
  orm::Value data = orm::Value::object();
  data["name"] = error.name;
  data["debug"] = "";
  data["message"] = error.message;
  data["arguments"] = error.arguments;
  data["context"] = orm::Value::object();
  return data;
}

}  // namespace citadel::rpc
