#include "auth/server_secret.hpp"

#include "auth/token_mac.hpp"
#include "core/random.hpp"

namespace citadel::auth {

core::Result<ServerSecret> ServerSecret::LoadOrCreate(core::FileSystem& fs, const std::string& data_dir) {
  const std::string dir = data_dir + "/secrets";
  const std::string path = dir + "/web-token-key";
  if (!fs.Exists(path)) {
    if (auto made = fs.CreateDirectories(dir, 0700); !made) return core::Unexpected(made.error());
    auto bytes = core::RandomBytes(kBytes);
    auto written = fs.WriteFileAtomic(path, std::string(bytes.begin(), bytes.end()), 0600);
    if (!written) return core::Unexpected(written.error());
  }
  auto key = fs.ReadFile(path);
  if (!key) return core::Unexpected(key.error());
  if (key->size() != kBytes) {
    return core::Fail(core::ErrorCode::kInternal,
                      path + " is damaged (expected " + std::to_string(kBytes) + " bytes)");
  }
  return ServerSecret(std::move(*key));
}

std::string ServerSecret::KeyFor(std::string_view purpose) const {
  return HmacSha256(bytes_, std::string("citadel-key-for:") + std::string(purpose));
}

}  // namespace citadel::auth
