#include "db/error.hpp"

#include <libpq-fe.h>

namespace citadel::db {
namespace {

constexpr std::string_view kPrefix = "SQLSTATE ";

core::ErrorCode CodeFor(std::string_view state) {
  using core::ErrorCode;
  if (state == sqlstate::kUniqueViolation || state == sqlstate::kDuplicateDatabase ||
      state == sqlstate::kDuplicateObject) {
    return ErrorCode::kAlreadyExists;
  }
  if (state == sqlstate::kSerializationFailure || state == sqlstate::kDeadlockDetected) {
    return ErrorCode::kUnavailable;
  }
  if (state == sqlstate::kQueryCanceled) return ErrorCode::kTimeout;
  if (state == sqlstate::kInsufficientPrivilege) return ErrorCode::kPermissionDenied;
  if (state == "3D000" || state == "42704" || state == "42P01") return ErrorCode::kNotFound;
  if (state.starts_with("08") || state.starts_with("57P")) return ErrorCode::kUnavailable;
  if (state.starts_with("28")) return ErrorCode::kPermissionDenied;
  if (state.starts_with("53")) return ErrorCode::kResourceExhausted;
  if (state.starts_with("22") || state.starts_with("23")) return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;
}

std::string_view Trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

}  // namespace

core::Error ErrorFromSqlState(std::string_view state, std::string_view message) {
  std::string text(kPrefix);
  text.append(state).append(": ").append(Trimmed(message));
  return core::Error{CodeFor(state), std::move(text)};
}

core::Error ErrorFromResult(const pg_result* result, const pg_conn* conn) {
  if (result != nullptr) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    if (state != nullptr) {
      return ErrorFromSqlState(state, primary != nullptr ? primary : "error");
    }
  }
  // No SQLSTATE: libpq itself failed, almost always because the connection
  // is gone. PQerrorMessage holds socket paths and user names, never passwords.
  const char* message = conn != nullptr ? PQerrorMessage(conn) : "no connection";
  return ErrorFromSqlState(sqlstate::kConnectionFailure,
                           message != nullptr && *message != '\0' ? message : "connection lost");
}

std::string_view SqlStateOf(const core::Error& error) {
  std::string_view m = error.message;
  if (!m.starts_with(kPrefix) || m.size() < kPrefix.size() + 6) return {};
  return m.substr(kPrefix.size(), 5);
}

bool IsUniqueViolation(const core::Error& error) {
  return SqlStateOf(error) == sqlstate::kUniqueViolation;
}

bool IsRetryableTransactionError(const core::Error& error) {
  auto s = SqlStateOf(error);
  return s == sqlstate::kSerializationFailure || s == sqlstate::kDeadlockDetected;
}

bool IsConnectionLoss(const core::Error& error) {
  auto s = SqlStateOf(error);
  return s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03";
}

}  // namespace citadel::db
