#include "platform/staff_secret_sealing.hpp"

#include <openssl/crypto.h>

#include <stdexcept>
#include <vector>

#include "backup/aes_gcm.hpp"
#include "core/hex.hpp"
#include "core/random.hpp"

namespace citadel::platform {
namespace {

constexpr std::string_view kAssociatedPrefix = "citadel staff totp v1|";

core::Result<OpenedStaffSecret> Unopenable() {
  return core::Fail(core::ErrorCode::kInternal,
                    "a staff TOTP secret in the catalog does not open with this server's "
                    "secrets/role-password-key (another server's key, or an altered row)");
}

}  // namespace

StaffSecretSealing::StaffSecretSealing(std::string key) : key_(std::move(key)) {
  if (key_.size() != backup::kAesGcmKeyBytes) {
    OPENSSL_cleanse(key_.data(), key_.size());
    throw std::invalid_argument("a staff secret sealing key is 32 bytes");
  }
}

StaffSecretSealing::~StaffSecretSealing() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string StaffSecretSealing::Seal(std::string_view login, std::string_view secret) const {
  backup::AesGcmNonce nonce{};
  const auto random = core::RandomBytes(nonce.size());
  std::copy(random.begin(), random.end(), nonce.begin());
  const std::string associated = std::string(kAssociatedPrefix) + std::string(login);
  std::string sealed(secret.size() + backup::kAesGcmTagBytes, '\0');
  backup::AesGcmCipher(key_).Seal(nonce, associated, secret, sealed);
  const std::string nonce_bytes(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  return std::string(kSealedStaffSecretPrefix) + core::HexEncode(nonce_bytes) + core::HexEncode(sealed);
}

core::Result<OpenedStaffSecret> StaffSecretSealing::Open(std::string_view login,
                                                         std::string_view stored) const {
  if (!stored.starts_with(kSealedStaffSecretPrefix)) {
    if (stored.find(':') != std::string_view::npos) return Unopenable();  // another format
    return OpenedStaffSecret{std::string(stored), true};
  }
  const std::optional<std::string> decoded = core::HexDecode(stored.substr(kSealedStaffSecretPrefix.size()));
  if (!decoded || decoded->size() < backup::kAesGcmNonceBytes + backup::kAesGcmTagBytes) return Unopenable();
  const std::string& bytes = *decoded;
  backup::AesGcmNonce nonce{};
  std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(nonce.size()), nonce.begin());
  const std::string_view sealed = std::string_view(bytes).substr(nonce.size());
  const std::string associated = std::string(kAssociatedPrefix) + std::string(login);
  OpenedStaffSecret opened;
  opened.secret.assign(sealed.size() - backup::kAesGcmTagBytes, '\0');
  if (!backup::AesGcmCipher(key_).Open(nonce, associated, sealed, opened.secret)) return Unopenable();
  return opened;
}

}  // namespace citadel::platform
