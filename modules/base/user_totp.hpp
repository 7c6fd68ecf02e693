// A user's second factor in the tenant database (the res_users_totp table,
// models/res_users_totp.cpp): enrolment, the check of a code or recovery
// code, and disabling. Fixed SQL with bound parameters; the secret never
// leaves this file except as the one return of StartTotpEnrolment (for the
// enrolment page's QR code).
//
// Each function runs its statements on `connection` with no transaction of
// its own: called on an idle connection, every statement commits alone, so a
// wrong code is counted even when what follows fails or is rolled back (as
// the sign-in counters are, rpc/login_throttle.hpp). Each check first
// counts the attempt in one atomic UPDATE, then verifies: concurrent guesses
// cannot slip past the limit between a read and a write. A code accepted
// stores its time step with a compare-and-set (last_step < step), so a code
// is taken once, even by two requests racing.
//
// Rate limit: kTotpMaxFailures wrong codes (TOTP or recovery) within
// kTotpFailureWindow, counted from the first of them, and every check of
// that user answers kCoolingDown until the window ends. Per user, not per
// source: whoever types the code already has the password, and the code has
// only 10^6 values. A right code resets the count.
//
// Blocks on PostgreSQL. Thread-compatible (the connection is the caller's).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "db/connection.hpp"

namespace citadel::modules::base {

inline constexpr int kTotpMaxFailures = 5;
inline constexpr std::chrono::seconds kTotpFailureWindow{15 * 60};
inline constexpr int kRecoveryCodeCount = 10;
// A recovery code: 16 characters of base32 (80 random bits), shown in four
// groups of four ("abcd-efgh-ijkl-mnop"); stored only as its SHA-256 (80
// bits cannot be searched for, so no stretching is needed).
inline constexpr std::size_t kRecoveryCodeChars = 16;
// Longer input is not even looked at: no code of ours is that long.
inline constexpr std::size_t kMaxSecondFactorInputChars = 64;

enum class SecondFactorVerdict {
  kAccepted,
  kWrong,         // not the code (or already used): counted
  kCoolingDown,   // too many wrong codes lately: not checked
  kNotEnrolled,   // no second factor (or no pending enrolment) for this user
};

// Whether the user has a confirmed second factor.
core::Result<bool> TotpEnabled(db::Connection& connection, std::int64_t uid);

// A fresh secret (raw bytes) waiting for its first code, replacing any
// earlier pending one; nullopt when the user's second factor is already on.
core::Result<std::optional<std::string>> StartTotpEnrolment(db::Connection& connection, std::int64_t uid);

// The secret of the user's enrolment in progress (raw bytes), so that the
// page shows the same one until it is confirmed; nullopt when none waits.
core::Result<std::optional<std::string>> PendingTotpSecret(db::Connection& connection, std::int64_t uid);

// Checks `code` against the pending secret (counted and rate-limited as any
// check); on kAccepted the second factor is on, and `recovery_codes` gets
// the kRecoveryCodeCount new codes in clear: the only time they exist.
core::Result<SecondFactorVerdict> ConfirmTotpEnrolment(db::Connection& connection, std::int64_t uid,
                                                      std::string_view code, std::int64_t unix_now,
                                                      std::vector<std::string>& recovery_codes);

// Checks a 6-digit code or a recovery code (a used recovery code is gone).
core::Result<SecondFactorVerdict> CheckSecondFactor(db::Connection& connection, std::int64_t uid,
                                                   std::string_view code, std::int64_t unix_now);

// Removes the user's second factor (secret, recovery codes, counters);
// whether there was one.
core::Result<bool> DisableTotp(db::Connection& connection, std::int64_t uid);

// How many unused recovery codes the user has.
core::Result<int> RecoveryCodesLeft(db::Connection& connection, std::int64_t uid);

}  // namespace citadel::modules::base
