// How PostgreSQL failures become core::Error, and how callers read them back.
//
// core::Error carries a code and a message only, so the SQLSTATE travels at
// the head of the message in one fixed form, "SQLSTATE 23505: <server text>",
// and SqlStateOf() reads it back. The code is chosen so callers rarely need
// the SQLSTATE: unique violation -> kAlreadyExists, connection loss and
// serialization failure -> kUnavailable (retry may help), query cancel ->
// kTimeout, too many connections -> kResourceExhausted, insufficient
// privilege -> kPermissionDenied.
//
// Messages hold only the server's primary message (never the statement, a
// DSN or a DETAIL line that could echo values). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

struct pg_result;
struct pg_conn;

namespace citadel::db {

namespace sqlstate {
inline constexpr std::string_view kUniqueViolation = "23505";
inline constexpr std::string_view kSerializationFailure = "40001";
inline constexpr std::string_view kDeadlockDetected = "40P01";
inline constexpr std::string_view kConnectionFailure = "08006";
inline constexpr std::string_view kUnableToConnect = "08001";
inline constexpr std::string_view kInsufficientPrivilege = "42501";
inline constexpr std::string_view kDuplicateDatabase = "42P04";
inline constexpr std::string_view kDuplicateObject = "42710";
inline constexpr std::string_view kObjectInUse = "55006";
inline constexpr std::string_view kQueryCanceled = "57014";
}  // namespace sqlstate

// The error for a SQLSTATE and the server's message.
core::Error ErrorFromSqlState(std::string_view sqlstate, std::string_view message);

// The error of a failed PGresult (or of a lost connection when `result` is null).
core::Error ErrorFromResult(const pg_result* result, const pg_conn* conn);

// The SQLSTATE recorded in an error made here; empty for other errors.
std::string_view SqlStateOf(const core::Error& error);

bool IsUniqueViolation(const core::Error& error);
// Serialization failure or deadlock: the whole transaction may be retried.
bool IsRetryableTransactionError(const core::Error& error);
// The connection is gone (class 08, or the server shut the session down).
bool IsConnectionLoss(const core::Error& error);

}  // namespace citadel::db
