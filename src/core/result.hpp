// Result types for operations whose failure is an expected outcome (parsing,
// a platform operation, a pool timeout). Business code throws instead; see
// DESIGN.md "Conventions".
//
// `Result<T>` is std::expected<T, Error>. Debian's clang 14 cannot instantiate
// libstdc++ 12's std::expected (it lacks conditionally trivial destructors), and
// clang is the only compiler with libFuzzer, so fuzz builds get a minimal
// stand-in with the same surface. Product builds (g++) always use std::expected.
#pragma once

#include <string>
#include <utility>

#if defined(__cpp_lib_expected) || (defined(__GNUC__) && !defined(__clang__))
#include <expected>
#define CITADEL_HAVE_STD_EXPECTED 1
#else
#include <variant>
#endif

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

#ifdef CITADEL_HAVE_STD_EXPECTED
template <class T>
using Result = std::expected<T, Error>;
using Unexpected = std::unexpected<Error>;
#else
struct Unexpected {
  explicit Unexpected(Error e) : error(std::move(e)) {}
  Error error;
};
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Unexpected u) : v_(std::move(u.error)) {}  // NOLINT(google-explicit-constructor)
  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};
template <>
class Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};
#endif

inline Unexpected Fail(ErrorCode code, std::string message) {
  return Unexpected(Error{code, std::move(message)});
}

}  // namespace citadel::core
