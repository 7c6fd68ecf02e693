// Password hashing: PBKDF2-HMAC-SHA512 (OpenSSL 3) in passlib's modular crypt
// format, `$pbkdf2-sha512$<rounds>$<salt>$<checksum>` with adapted base64, so
// hashes exported from an Odoo database verify unchanged.
//
// A hash costs ~0.5 s of one core at the production 600,000 rounds: callers on
// I/O threads must go through PasswordHashingService (bounded pool), never call
// Hash/Verify directly. The hasher itself is immutable and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citadel::core {

inline constexpr std::uint32_t kDefaultPbkdf2Rounds = 600'000;
inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kPbkdf2Sha512Bytes = 64;
// Longer passwords are refused before hashing: PBKDF2's cost grows with the
// length of a password longer than the HMAC block, an easy denial of service.
inline constexpr std::size_t kMaxPasswordBytes = 4096;

struct PasslibHash {
  std::uint32_t rounds = 0;
  std::vector<unsigned char> salt;
  std::vector<unsigned char> checksum;
};

// Parses `$pbkdf2-sha512$rounds$salt$checksum`; nullopt if malformed.
std::optional<PasslibHash> ParsePasslibPbkdf2Sha512(std::string_view text);

struct VerifyOutcome {
  bool matches = false;
  bool needs_rehash = false;  // matched, but with fewer rounds than configured
};

class PasswordHasher {
 public:
  explicit PasswordHasher(std::uint32_t rounds = kDefaultPbkdf2Rounds);

  std::uint32_t rounds() const { return rounds_; }

  // A fresh random salt per call.
  std::string Hash(std::string_view password) const;
  std::string HashWithSalt(std::string_view password, const std::vector<unsigned char>& salt) const;

  // Constant-time comparison. A malformed stored hash never matches; its cost is
  // still paid (against a dummy) so that timing tells nothing.
  VerifyOutcome Verify(std::string_view password, std::string_view stored) const;

 private:
  std::uint32_t rounds_;
};

}  // namespace citadel::core
