// Password reset tokens: what the "forgot password" e-mail links carry.
//
//   ResetTokenSigner signer(secret.KeyFor("password-reset"));
//   std::string token = signer.Issue("acme", uid, CredentialFingerprint(hash), expires_unix);
//   auto claims = ResetTokenSigner::Parse(token);        // shape only: untrusted
//   ... read the user claims->uid's current hash in the tenant ...
//   if (signer.Verify(token, "acme", fingerprint_now, now_unix)) ...   // MAC + expiry
//
// Token text: "<uid>.<expires unix>.<nonce: 32 hex>.<mac: 64 hex>", URL-safe
// as is. The MAC (HMAC-SHA256 under a key derived from the server secret,
// server_secret.hpp, kept outside every tenant database) covers the tenant,
// the uid, the expiry, the nonce and the fingerprint of the user's stored
// password hash when the token was issued. The fingerprint is not in the
// text: a token verifies only while the user's password is still the one it
// was issued under, so a used token (its use sets a new password) and every
// token issued before any password change never work again.
// Using a token exactly once, even when two servers race or a tenant backup
// brings an old password hash back, is reset_token_ledger.hpp's part.
//
// Tokens are secrets: never logged (log TokenId, a SHA-256 of the text, when
// a reference is needed). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::auth {

inline constexpr std::size_t kMaxResetTokenChars = 160;

struct ResetTokenClaims {
  std::int64_t uid = 0;
  std::int64_t expires_unix = 0;
};

class ResetTokenSigner {
 public:
  explicit ResetTokenSigner(std::string key) : key_(std::move(key)) {}

  std::string Issue(std::string_view tenant, std::int64_t uid, std::string_view credential_fingerprint,
                    std::int64_t expires_unix) const;

  // The uid and expiry the text names, if it has a token's shape. Not
  // verified: use it only to find whose fingerprint to Verify against.
  static std::optional<ResetTokenClaims> Parse(std::string_view token);

  // True if the MAC is right for this tenant and fingerprint and the token
  // has not expired at `now_unix`.
  bool Verify(std::string_view token, std::string_view tenant, std::string_view credential_fingerprint,
              std::int64_t now_unix) const;

  // What logs and the ledger know a token by: SHA-256 hex of its text.
  static std::string TokenId(std::string_view token);

 private:
  std::string MacFor(std::string_view tenant, std::string_view body, std::string_view fingerprint) const;
  std::string key_;
};

}  // namespace citadel::auth
