// Result types for operations whose failure is an expected outcome (parsing,
// a platform operation, a pool timeout). Business code throws instead; see
// DESIGN.md "Conventions".
//
// `Result<T>` is std::expected<T, Error>. Every build has it: g++ 12, and
// clang 16 for the sanitizer and fuzz builds (see CMakeLists.txt).
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace citadel::core {

enum class ErrorCode {
  kInvalidArgument,   // the caller's input is wrong; the message says how
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnavailable,       // a dependency (PostgreSQL, a site) is down; retry may help
  kTimeout,
  kResourceExhausted, // a bounded queue or pool is full
  kIo,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // safe to show an operator; never contains secrets
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
using Result = std::expected<T, Error>;
using Unexpected = std::unexpected<Error>;

inline Unexpected Fail(ErrorCode code, std::string message) {
  return Unexpected(Error{code, std::move(message)});
}

}  // namespace citadel::core
