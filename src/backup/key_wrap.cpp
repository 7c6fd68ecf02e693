#include "backup/key_wrap.hpp"

#include <algorithm>
#include <span>
#include <string>

#include <openssl/crypto.h>

#include "backup/aes_gcm.hpp"
#include "core/random.hpp"

namespace citadel::backup {
namespace {

static_assert(kWrappedKeyOverheadBytes == 1 + kAesGcmNonceBytes + kAesGcmTagBytes);

std::string KeyWrapAssociatedData(std::string_view context) {
  std::string out(1, static_cast<char>(kWrappedKeyVersion));
  out.append(context);
  return out;
}

}  // namespace

std::string NewDataKey() {
  auto bytes = core::RandomBytes(kDataKeyBytes);
  std::string key(bytes.begin(), bytes.end());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::string WrapKey(std::string_view kek32, std::string_view key, std::string_view context) {
  AesGcmCipher cipher(kek32);
  AesGcmNonce nonce{};
  auto random = core::RandomBytes(nonce.size());
  std::copy(random.begin(), random.end(), nonce.begin());

  std::string wrapped(kWrappedKeyOverheadBytes + key.size(), '\0');
  wrapped[0] = static_cast<char>(kWrappedKeyVersion);
  std::copy(nonce.begin(), nonce.end(), wrapped.begin() + 1);
  std::span<char> sealed(wrapped.data() + 1 + nonce.size(), key.size() + kAesGcmTagBytes);
  cipher.Seal(nonce, KeyWrapAssociatedData(context), key, sealed);
  return wrapped;
}

core::Result<std::string> UnwrapKey(std::string_view kek32, std::string_view wrapped,
                                    std::string_view context) {
  AesGcmCipher cipher(kek32);
  if (wrapped.size() < kWrappedKeyOverheadBytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "not a Citadel wrapped key: too short");
  }
  auto version = static_cast<unsigned char>(wrapped[0]);
  if (version != kWrappedKeyVersion) {
    return core::Fail(
        core::ErrorCode::kInvalidArgument,
        "unsupported wrapped key version " + std::to_string(version) + " (this build reads 1)");
  }
  AesGcmNonce nonce{};
  std::copy_n(wrapped.substr(1).data(), nonce.size(), nonce.begin());
  std::string_view sealed = wrapped.substr(1 + nonce.size());
  std::string key(sealed.size() - kAesGcmTagBytes, '\0');
  if (!cipher.Open(nonce, KeyWrapAssociatedData(context), sealed, key)) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "key unwrap failed: wrong key or context, or the wrapped key was altered");
  }
  return key;
}

}  // namespace citadel::backup
