#include "core/password_hasher.hpp"

#include <charconv>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/base64.hpp"
#include "core/random.hpp"

namespace citadel::core {
namespace {

constexpr std::string_view kPrefix = "$pbkdf2-sha512$";
// passlib's own bounds for pbkdf2_sha512 rounds.
constexpr std::uint32_t kMinRounds = 1;
constexpr std::uint32_t kMaxRounds = 0xffffffff;

std::vector<unsigned char> Pbkdf2Sha512(std::string_view password,
                                        const std::vector<unsigned char>& salt,
                                        std::uint32_t rounds) {
  std::vector<unsigned char> out(kPbkdf2Sha512Bytes);
  // OpenSSL takes the iteration count as int; rounds above INT_MAX are refused on parse.
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                    static_cast<int>(salt.size()), static_cast<int>(rounds), EVP_sha512(),
                    static_cast<int>(out.size()), out.data());
  return out;
}

}  // namespace

std::optional<PasslibHash> ParsePasslibPbkdf2Sha512(std::string_view text) {
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  auto dollar = text.find('$');
  if (dollar == std::string_view::npos || dollar == 0) return std::nullopt;
  std::string_view rounds_text = text.substr(0, dollar);
  if (rounds_text.size() > 1 && rounds_text[0] == '0') return std::nullopt;  // passlib refuses
  std::uint64_t rounds = 0;
  auto [ptr, ec] = std::from_chars(rounds_text.data(), rounds_text.data() + rounds_text.size(), rounds);
  if (ec != std::errc() || ptr != rounds_text.data() + rounds_text.size()) return std::nullopt;
  if (rounds < kMinRounds || rounds > kMaxRounds || rounds > 0x7fffffff) return std::nullopt;
  text.remove_prefix(dollar + 1);
  dollar = text.find('$');
  if (dollar == std::string_view::npos) return std::nullopt;
  auto salt = AdaptedBase64Decode(text.substr(0, dollar));
  auto checksum = AdaptedBase64Decode(text.substr(dollar + 1));
  if (!salt || !checksum || checksum->size() != kPbkdf2Sha512Bytes || salt->size() > 1024) {
    return std::nullopt;
  }
  return PasslibHash{static_cast<std::uint32_t>(rounds), std::move(*salt), std::move(*checksum)};
}

PasswordHasher::PasswordHasher(std::uint32_t rounds) : rounds_(rounds < 1 ? 1 : rounds) {}

std::string PasswordHasher::Hash(std::string_view password) const {
  return HashWithSalt(password, RandomBytes(kSaltBytes));
}

std::string PasswordHasher::HashWithSalt(std::string_view password,
                                         const std::vector<unsigned char>& salt) const {
  auto checksum = Pbkdf2Sha512(password, salt, rounds_);
  return std::string(kPrefix) + std::to_string(rounds_) + "$" + AdaptedBase64Encode(salt) + "$" +
         AdaptedBase64Encode(checksum);
}

VerifyOutcome PasswordHasher::Verify(std::string_view password, std::string_view stored) const {
  auto parsed = ParsePasslibPbkdf2Sha512(stored);
  if (!parsed || password.size() > kMaxPasswordBytes) {
    // Pay the same cost as a real check, so a malformed or unknown entry is not
    // told apart by timing.
    static const std::vector<unsigned char> kDummySalt(kSaltBytes, 0x5a);
    (void)Pbkdf2Sha512("dummy password", kDummySalt, rounds_);
    return {};
  }
  auto computed = Pbkdf2Sha512(password, parsed->salt, parsed->rounds);
  bool same = CRYPTO_memcmp(computed.data(), parsed->checksum.data(), computed.size()) == 0;
  return VerifyOutcome{same, same && parsed->rounds < rounds_};
}

}  // namespace citadel::core
