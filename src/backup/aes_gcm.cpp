#include "backup/aes_gcm.hpp"

#include <climits>
#include <new>
#include <stdexcept>
#include <string>

#include <openssl/crypto.h>
#include <openssl/err.h>

namespace citadel::backup {
namespace {

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* Bytes(std::span<char> buffer) {
  return reinterpret_cast<unsigned char*>(buffer.data());
}

// EVP takes lengths as int. Every message here is at most a chunk (16 MiB) or
// a key, so a longer one is a caller's bug, not data to split.
int EvpLength(std::size_t size) {
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument("AES-256-GCM message longer than OpenSSL accepts in one call");
  }
  return static_cast<int>(size);
}

void Check(int evp_result, const char* what) {
  if (evp_result != 1) {
    ERR_clear_error();
    throw std::runtime_error(std::string("AES-256-GCM: OpenSSL ") + what + " failed");
  }
}

void AddAssociatedData(EVP_CIPHER_CTX* context, std::string_view associated_data, bool encrypt) {
  if (associated_data.empty()) return;
  int ignored = 0;
  // A null output buffer tells EVP these bytes are authenticated only.
  if (encrypt) {
    Check(EVP_EncryptUpdate(context, nullptr, &ignored, Bytes(associated_data),
                            EvpLength(associated_data.size())),
          "EVP_EncryptUpdate (associated data)");
  } else {
    Check(EVP_DecryptUpdate(context, nullptr, &ignored, Bytes(associated_data),
                            EvpLength(associated_data.size())),
          "EVP_DecryptUpdate (associated data)");
  }
}

}  // namespace

AesGcmCipher::AesGcmCipher(std::string_view key) {
  if (key.size() != kAesGcmKeyBytes) {
    throw std::invalid_argument("AES-256-GCM needs a key of exactly 32 bytes");
  }
  context_.reset(EVP_CIPHER_CTX_new());
  if (!context_) throw std::bad_alloc();
  // Key only; each message sets its own nonce and direction. GCM runs AES
  // forwards both ways, so one key schedule serves sealing and opening.
  Check(EVP_CipherInit_ex(context_.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), nullptr, 1),
        "EVP_CipherInit_ex (key)");
}

AesGcmCipher::~AesGcmCipher() = default;

void AesGcmCipher::Seal(const AesGcmNonce& nonce, std::string_view associated_data,
                        std::string_view plaintext, std::span<char> sealed) {
  if (sealed.size() != plaintext.size() + kAesGcmTagBytes) {
    throw std::invalid_argument("AES-256-GCM seal: output must be plaintext size + 16");
  }
  EVP_CIPHER_CTX* context = context_.get();
  Check(EVP_EncryptInit_ex(context, nullptr, nullptr, nullptr, nonce.data()),
        "EVP_EncryptInit_ex (nonce)");
  AddAssociatedData(context, associated_data, true);
  int written = 0;
  if (!plaintext.empty()) {
    Check(EVP_EncryptUpdate(context, Bytes(sealed), &written, Bytes(plaintext),
                            EvpLength(plaintext.size())),
          "EVP_EncryptUpdate");
  }
  int final_written = 0;
  Check(EVP_EncryptFinal_ex(context, Bytes(sealed) + written, &final_written),
        "EVP_EncryptFinal_ex");
  if (static_cast<std::size_t>(written) + static_cast<std::size_t>(final_written) !=
      plaintext.size()) {
    throw std::runtime_error("AES-256-GCM: OpenSSL returned a short ciphertext");
  }
  Check(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAesGcmTagBytes),
                            Bytes(sealed) + plaintext.size()),
        "EVP_CTRL_GCM_GET_TAG");
}

bool AesGcmCipher::Open(const AesGcmNonce& nonce, std::string_view associated_data,
                        std::string_view sealed, std::span<char> plaintext) {
  if (sealed.size() < kAesGcmTagBytes) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return false;
  }
  const std::size_t ciphertext_size = sealed.size() - kAesGcmTagBytes;
  if (plaintext.size() != ciphertext_size) {
    throw std::invalid_argument("AES-256-GCM open: output must be sealed size - 16");
  }
  EVP_CIPHER_CTX* context = context_.get();
  Check(EVP_DecryptInit_ex(context, nullptr, nullptr, nullptr, nonce.data()),
        "EVP_DecryptInit_ex (nonce)");
  // EVP wants a mutable pointer for the expected tag but only reads it.
  std::string_view tag = sealed.substr(ciphertext_size);
  Check(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAesGcmTagBytes),
                            const_cast<char*>(tag.data())),
        "EVP_CTRL_GCM_SET_TAG");
  AddAssociatedData(context, associated_data, false);
  int written = 0;
  if (ciphertext_size > 0) {
    Check(EVP_DecryptUpdate(context, Bytes(plaintext), &written, Bytes(sealed),
                            EvpLength(ciphertext_size)),
          "EVP_DecryptUpdate");
  }
  int final_written = 0;
  // The tag is compared here, in constant time; until then `plaintext` holds
  // bytes nobody may act on.
  bool authentic = EVP_DecryptFinal_ex(context, Bytes(plaintext) + written, &final_written) == 1;
  if (!authentic) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    ERR_clear_error();  // leave no stale entry for the next OpenSSL user on this thread
    return false;
  }
  return true;
}

}  // namespace citadel::backup
