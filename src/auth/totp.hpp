// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP with
// HMAC-SHA1, as every authenticator app speaks them), the base32 text
// (RFC 4648) those apps read secrets in, and the otpauth:// URI a QR code
// carries. Pure functions over caller-owned strings; thread-safe. Storing the
// secret, remembering used steps and rate-limiting checks belong to the
// callers (modules/base/user_totp.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::auth {

inline constexpr std::int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
// 160 bits: RFC 4226's recommended length and the HMAC-SHA1 block's natural size.
inline constexpr std::size_t kTotpSecretBytes = 20;
// Steps accepted either side of now: a code typed just as it rolled over, or
// a phone clock 30 s off, still works (Odoo's auth_totp also allows ±1).
inline constexpr std::int64_t kTotpWindowSteps = 1;

// A fresh random secret of kTotpSecretBytes raw bytes.
std::string NewTotpSecret();

// RFC 4648 base32, upper case; `padded` adds '=' to a multiple of 8 (the
// RFC's form; otpauth URIs leave it out).
std::string Base32Encode(std::string_view bytes, bool padded = true);
// Accepts upper or lower case, with or without correct padding; nothing else
// (no spaces, no bits left over that a canonical encoder would not make).
std::optional<std::string> Base32Decode(std::string_view text);

// The time step a Unix time falls in (floor division; 0 before 1970).
std::int64_t TotpStepAt(std::int64_t unix_seconds);

// The HOTP value of `secret` at counter `step`, as `digits` decimal digits
// (leading zeros kept); digits in [6, 9].
std::string TotpCode(std::string_view secret, std::int64_t step, int digits = kTotpDigits);

// The step whose code `code` is, among the steps within kTotpWindowSteps of
// `unix_seconds` that are later than `last_used_step`, or nothing. Returning
// the step lets the caller store it and so refuse the same code twice. The
// code is compared in constant time; anything but exactly `digits` ASCII
// digits matches nothing.
std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                       std::int64_t last_used_step = -1, int digits = kTotpDigits);

// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&...: the
// key-URI format authenticator apps scan. Issuer and account are
// percent-encoded (everything but RFC 3986's unreserved characters).
std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace citadel::auth
