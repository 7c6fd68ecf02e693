// AES-256-GCM sealing and opening of one message at a time (OpenSSL 3 EVP):
// the primitive under the sealed backup stream (sealed_stream.hpp) and key
// wrapping (key_wrap.hpp), kept in one place so the EVP calls are written and
// checked once.
//
// The key is loaded into the EVP context once, at construction, and lives only
// there: this class keeps no copy of it, and OpenSSL wipes the context's key
// schedule when the context is freed in the destructor.
//
// The caller owns nonce uniqueness: a (key, nonce) pair used for two messages
// breaks GCM's confidentiality and authenticity, and the class cannot see it.
//
// An object holds one EVP context and is not thread-safe; use one per stream.
// Wrong sizes (key, output buffer) are programming errors and throw
// std::invalid_argument; a failure inside OpenSSL (memory, a broken library)
// throws std::runtime_error. An inauthentic message is an expected outcome and
// is reported by Open's return value.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>

#include <openssl/evp.h>

namespace citadel::backup {

inline constexpr std::size_t kAesGcmKeyBytes = 32;
inline constexpr std::size_t kAesGcmNonceBytes = 12;
inline constexpr std::size_t kAesGcmTagBytes = 16;

using AesGcmNonce = std::array<unsigned char, kAesGcmNonceBytes>;

class AesGcmCipher {
 public:
  // `key` must be exactly kAesGcmKeyBytes long.
  explicit AesGcmCipher(std::string_view key);
  AesGcmCipher(const AesGcmCipher&) = delete;
  AesGcmCipher& operator=(const AesGcmCipher&) = delete;
  ~AesGcmCipher();

  // Writes ciphertext || tag to `sealed`, which must be exactly
  // plaintext.size() + kAesGcmTagBytes long.
  void Seal(const AesGcmNonce& nonce, std::string_view associated_data, std::string_view plaintext,
            std::span<char> sealed);

  // Checks and decrypts ciphertext || tag into `plaintext`, which must be
  // exactly sealed.size() - kAesGcmTagBytes long. Returns false if `sealed` is
  // shorter than a tag or the tag does not verify; `plaintext` is then zeroed,
  // so unauthenticated bytes never outlive the call.
  [[nodiscard]] bool Open(const AesGcmNonce& nonce, std::string_view associated_data,
                          std::string_view sealed, std::span<char> plaintext);

 private:
  struct ContextDeleter {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
  };
  std::unique_ptr<EVP_CIPHER_CTX, ContextDeleter> context_;
};

}  // namespace citadel::backup
