#include "platform/staff_secret_sealing.hpp"

#include <openssl/crypto.h>

#include <stdexcept>
#include <vector>

#include "backup/aes_gcm.hpp"
#include "core/random.hpp"

namespace citadel::platform {
namespace {

constexpr std::string_view kAssociatedPrefix = "citadel staff totp v1|";

std::string Hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool FromHex(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

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
  return std::string(kSealedStaffSecretPrefix) + Hex(nonce_bytes) + Hex(sealed);
}

core::Result<OpenedStaffSecret> StaffSecretSealing::Open(std::string_view login,
                                                         std::string_view stored) const {
  if (!stored.starts_with(kSealedStaffSecretPrefix)) {
    if (stored.find(':') != std::string_view::npos) return Unopenable();  // another format
    return OpenedStaffSecret{std::string(stored), true};
  }
  std::string bytes;
  if (!FromHex(stored.substr(kSealedStaffSecretPrefix.size()), bytes) ||
      bytes.size() < backup::kAesGcmNonceBytes + backup::kAesGcmTagBytes) {
    return Unopenable();
  }
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
