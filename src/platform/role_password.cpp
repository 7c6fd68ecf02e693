#include "platform/role_password.hpp"

#include "core/hex.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/random.hpp"

namespace citadel::platform {
namespace {
constexpr std::size_t kKeyBytes = 32;
}

core::Result<RolePasswordKey> RolePasswordKey::LoadOrCreate(core::FileSystem& fs,
                                                            const std::string& data_dir) {
  const std::string dir = data_dir + "/secrets";
  const std::string path = dir + "/role-password-key";
  if (!fs.Exists(path)) {
    if (auto r = fs.CreateDirectories(dir, 0700); !r) return core::Unexpected(r.error());
    auto bytes = core::RandomBytes(kKeyBytes);
    auto r = fs.WriteFileAtomic(path, std::string(bytes.begin(), bytes.end()), 0600);
    if (!r) return core::Unexpected(r.error());
  }
  auto key = fs.ReadFile(path);
  if (!key) return core::Unexpected(key.error());
  if (key->size() != kKeyBytes) {
    return core::Fail(core::ErrorCode::kInternal,
                      path + " is damaged (expected " + std::to_string(kKeyBytes) + " bytes)");
  }
  return RolePasswordKey(std::move(*key));
}

std::string RolePasswordKey::PasswordFor(std::string_view role_name) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(role_name.data()), role_name.size(), mac, &len);
  return core::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

std::string RolePasswordKey::KeyFor(std::string_view purpose) const {
  std::string message("\0citadel key\0", 13);
  message.append(purpose);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

}  // namespace citadel::platform
