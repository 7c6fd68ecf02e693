#include "modules/base/user_totp.hpp"

#include <cctype>

#include "auth/totp.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::modules::base {
namespace {

struct CountedAttempt {
  std::string secret;  // raw bytes
  std::int64_t last_step = -1;
  bool cooling_down = false;
};

// Counts one attempt against the user's row (confirmed or pending) and
// returns what to check it with; nullopt when there is no such row.
core::Result<std::optional<CountedAttempt>> CountAttempt(db::Connection& connection, std::int64_t uid,
                                                         bool enabled) {
  auto counted = connection.Execute(
      "UPDATE res_users_totp SET "
      " failures = CASE WHEN failure_window_start > now() - $3::int * interval '1 second' "
      "   THEN failures + 1 ELSE 1 END, "
      " failure_window_start = CASE WHEN failure_window_start > now() - $3::int * interval '1 second' "
      "   THEN failure_window_start ELSE now() END "
      "WHERE user_id = $1 AND enabled = $2 RETURNING secret, last_step, failures",
      uid, enabled, static_cast<std::int64_t>(kTotpFailureWindow.count()));
  if (!counted) return core::Unexpected(counted.error());
  if (counted->empty()) return std::optional<CountedAttempt>();
  CountedAttempt attempt;
  auto secret = auth::Base32Decode(counted->Text(0, "secret"));
  if (!secret) return core::Unexpected(core::Error{core::ErrorCode::kInternal, "res_users_totp: a malformed secret"});
  attempt.secret = std::move(*secret);
  attempt.last_step = std::stoll(counted->Text(0, "last_step"));
  attempt.cooling_down = std::stoll(counted->Text(0, "failures")) > kTotpMaxFailures;
  return attempt;
}

bool IsTotpShaped(std::string_view code) {
  if (code.size() != static_cast<std::size_t>(auth::kTotpDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "ABCD-efgh ijkl-mnop" -> "abcdefghijklmnop", or "" when it cannot be a
// recovery code.
std::string NormalizedRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!((lower >= 'a' && lower <= 'z') || (lower >= '2' && lower <= '7'))) return {};
    out.push_back(lower);
  }
  return out.size() == kRecoveryCodeChars ? out : std::string();
}

std::string NewRecoveryCode() {
  const auto bytes = core::RandomBytes(kRecoveryCodeChars * 5 / 8);
  std::string plain = auth::Base32Encode(std::string(bytes.begin(), bytes.end()), false);
  std::string shown;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 4 == 0) shown.push_back('-');
    shown.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(plain[i]))));
  }
  return shown;
}

// The array literal of the codes' hashes (hex digits only: nothing to quote).
std::string HashArray(const std::vector<std::string>& codes) {
  std::string array = "{";
  for (const std::string& code : codes) {
    if (array.size() > 1) array += ",";
    array += core::Sha256Hex(NormalizedRecoveryCode(code));
  }
  return array + "}";
}

}  // namespace

core::Result<bool> TotpEnabled(db::Connection& connection, std::int64_t uid) {
  auto found = connection.Execute("SELECT 1 FROM res_users_totp WHERE user_id = $1 AND enabled", uid);
  if (!found) return core::Unexpected(found.error());
  return !found->empty();
}

core::Result<std::optional<std::string>> StartTotpEnrolment(db::Connection& connection, std::int64_t uid) {
  std::string secret = auth::NewTotpSecret();
  // Failures are kept across restarts: starting again does not buy guesses.
  auto stored = connection.Execute(
      "INSERT INTO res_users_totp (user_id, secret) VALUES ($1, $2) "
      "ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, last_step = -1, recovery_hashes = '{}' "
      "WHERE NOT res_users_totp.enabled RETURNING id",
      uid, auth::Base32Encode(secret, false));
  if (!stored) return core::Unexpected(stored.error());
  if (stored->empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(secret));
}

core::Result<std::optional<std::string>> PendingTotpSecret(db::Connection& connection, std::int64_t uid) {
  auto found = connection.Execute("SELECT secret FROM res_users_totp WHERE user_id = $1 AND NOT enabled", uid);
  if (!found) return core::Unexpected(found.error());
  if (found->empty()) return std::optional<std::string>();
  auto secret = auth::Base32Decode(found->Text(0, "secret"));
  if (!secret) return core::Unexpected(core::Error{core::ErrorCode::kInternal, "res_users_totp: a malformed secret"});
  return std::optional<std::string>(std::move(*secret));
}

core::Result<SecondFactorVerdict> ConfirmTotpEnrolment(db::Connection& connection, std::int64_t uid,
                                                      std::string_view code, std::int64_t unix_now,
                                                      std::vector<std::string>& recovery_codes) {
  auto attempt = CountAttempt(connection, uid, false);
  if (!attempt) return core::Unexpected(attempt.error());
  if (!*attempt) return SecondFactorVerdict::kNotEnrolled;
  if ((*attempt)->cooling_down) return SecondFactorVerdict::kCoolingDown;
  auto step = auth::VerifyTotp((*attempt)->secret, code, unix_now, (*attempt)->last_step);
  if (!step) return SecondFactorVerdict::kWrong;
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) codes.push_back(NewRecoveryCode());
  // Only the secret the code was checked against, still pending.
  auto enabled = connection.Execute(
      "UPDATE res_users_totp SET enabled = true, last_step = $2, failures = 0, recovery_hashes = $3::text[] "
      "WHERE user_id = $1 AND NOT enabled AND secret = $4 AND last_step < $2 RETURNING id",
      uid, *step, HashArray(codes), auth::Base32Encode((*attempt)->secret, false));
  if (!enabled) return core::Unexpected(enabled.error());
  if (enabled->empty()) return SecondFactorVerdict::kWrong;
  recovery_codes = std::move(codes);
  return SecondFactorVerdict::kAccepted;
}

core::Result<SecondFactorVerdict> CheckSecondFactor(db::Connection& connection, std::int64_t uid,
                                                   std::string_view code, std::int64_t unix_now) {
  if (code.size() > kMaxSecondFactorInputChars) code = {};  // counted, and wrong
  auto attempt = CountAttempt(connection, uid, true);
  if (!attempt) return core::Unexpected(attempt.error());
  if (!*attempt) return SecondFactorVerdict::kNotEnrolled;
  if ((*attempt)->cooling_down) return SecondFactorVerdict::kCoolingDown;
  if (IsTotpShaped(code)) {
    auto step = auth::VerifyTotp((*attempt)->secret, code, unix_now, (*attempt)->last_step);
    if (!step) return SecondFactorVerdict::kWrong;
    auto taken = connection.Execute(
        "UPDATE res_users_totp SET last_step = $2, failures = 0 "
        "WHERE user_id = $1 AND enabled AND last_step < $2 RETURNING id",
        uid, *step);
    if (!taken) return core::Unexpected(taken.error());
    return taken->empty() ? SecondFactorVerdict::kWrong : SecondFactorVerdict::kAccepted;
  }
  const std::string normalized = NormalizedRecoveryCode(code);
  if (normalized.empty()) return SecondFactorVerdict::kWrong;
  auto used = connection.Execute(
      "UPDATE res_users_totp SET recovery_hashes = array_remove(recovery_hashes, $2), failures = 0 "
      "WHERE user_id = $1 AND enabled AND $2 = ANY(recovery_hashes) RETURNING id",
      uid, core::Sha256Hex(normalized));
  if (!used) return core::Unexpected(used.error());
  return used->empty() ? SecondFactorVerdict::kWrong : SecondFactorVerdict::kAccepted;
}

core::Result<bool> DisableTotp(db::Connection& connection, std::int64_t uid) {
  auto removed = connection.Execute("DELETE FROM res_users_totp WHERE user_id = $1 RETURNING id", uid);
  if (!removed) return core::Unexpected(removed.error());
  return !removed->empty();
}

core::Result<int> RecoveryCodesLeft(db::Connection& connection, std::int64_t uid) {
  auto left = connection.Execute(
      "SELECT cardinality(recovery_hashes) AS n FROM res_users_totp WHERE user_id = $1 AND enabled", uid);
  if (!left) return core::Unexpected(left.error());
  return left->empty() ? 0 : std::stoi(left->Text(0, "n"));
}

}  // namespace citadel::modules::base
