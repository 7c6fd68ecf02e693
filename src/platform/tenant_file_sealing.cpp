#include "platform/tenant_file_sealing.hpp"

#include "core/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "backup/aes_gcm.hpp"
#include "backup/byte_sink.hpp"
#include "backup/sealed_stream.hpp"

namespace citadel::platform {
namespace {

constexpr std::size_t kFileShaHexDigits = 64;

bool IsFileShaHex(std::string_view text) {
  return text.size() == kFileShaHexDigits && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

core::Result<void> CheckFileSha(std::string_view sha256_hex) {
  if (IsFileShaHex(sha256_hex)) return {};
  return core::Fail(core::ErrorCode::kInvalidArgument, "a file's SHA-256 must be 64 lowercase hex digits");
}

// HKDF-SHA256(tenant key, no salt, info = label): the tenant key is uniformly
// random, so no salt is needed (RFC 5869, 3.1).
std::string DeriveFileKeys(std::string_view tenant_key) {
  struct CtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_PKEY_CTX, CtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::string out(2 * backup::kAesGcmKeyBytes, '\0');
  std::size_t length = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(tenant_key.data()),
                                 static_cast<int>(tenant_key.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(kFileSealingLabel.data()),
                                  static_cast<int>(kFileSealingLabel.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length) <= 0 ||
      length != out.size()) {
    throw std::runtime_error("HKDF-SHA256 failed inside OpenSSL");
  }
  return out;
}

// Collects a whole sealed file or its plaintext in one buffer sized up front
// (a file is up to the store's maximum, 64 MiB by default: no regrowth, and
// the result moves out instead of being copied).
class FileBufferSink final : public backup::ByteSink {
 public:
  explicit FileBufferSink(std::size_t expected) { data_.reserve(expected); }
  core::Result<void> Write(std::string_view bytes) override {
    data_.append(bytes);
    return {};
  }
  core::Result<void> Close() override { return {}; }
  std::string Take() { return std::move(data_); }

 private:
  std::string data_;
};

std::string SealingContext(std::string_view file_name) {
  return std::string(kFileSealingLabel) + "|" + std::string(file_name);
}

}  // namespace

TenantFileSealing::TenantFileSealing(std::string_view tenant_key) {
  if (tenant_key.size() != backup::kAesGcmKeyBytes) {
    throw std::invalid_argument("a tenant key is 32 bytes");
  }
  std::string keys = DeriveFileKeys(tenant_key);
  sealing_key_ = keys.substr(0, backup::kAesGcmKeyBytes);
  naming_key_ = keys.substr(backup::kAesGcmKeyBytes);
  OPENSSL_cleanse(keys.data(), keys.size());
}

TenantFileSealing::~TenantFileSealing() {
  OPENSSL_cleanse(sealing_key_.data(), sealing_key_.size());
  OPENSSL_cleanse(naming_key_.data(), naming_key_.size());
}

core::Result<std::string> TenantFileSealing::FileName(std::string_view sha256_hex) const {
  if (auto valid = CheckFileSha(sha256_hex); !valid) return core::Unexpected(valid.error());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), naming_key_.data(), static_cast<int>(naming_key_.size()),
           reinterpret_cast<const unsigned char*>(sha256_hex.data()), sha256_hex.size(), mac, &length) == nullptr) {
    return core::Fail(core::ErrorCode::kInternal, "HMAC-SHA256 failed inside OpenSSL");
  }
  return core::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

std::uint64_t TenantFileSealing::SealedSize(std::uint64_t content_size) const {
  return backup::SealedStreamSize(kFileShaHexDigits + content_size, kFileSealingChunkBytes);
}

core::Result<std::string> TenantFileSealing::Seal(std::string_view sha256_hex, std::string_view content) const {
  auto name = FileName(sha256_hex);
  if (!name) return core::Unexpected(name.error());
  FileBufferSink sealed(SealedSize(content.size()));
  backup::StreamSealer sealer(sealing_key_, SealingContext(*name), sealed, kFileSealingChunkBytes);
  if (auto written = sealer.Write(sha256_hex); !written) return core::Unexpected(written.error());
  if (auto written = sealer.Write(content); !written) return core::Unexpected(written.error());
  if (auto closed = sealer.Close(); !closed) return core::Unexpected(closed.error());
  return sealed.Take();
}

core::Result<OpenedFile> TenantFileSealing::OpenNamed(std::string_view file_name, std::string_view sealed) const {
  if (!IsFileShaHex(file_name)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "not a file store file name");
  }
  FileBufferSink plaintext(sealed.size());
  {
    backup::StreamOpener opener(sealing_key_, SealingContext(file_name), plaintext);
    auto opened = opener.Write(sealed);
    if (opened) opened = opener.Close();
    if (!opened) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "the file was not sealed for this name under this tenant's key, or was altered or cut (" +
                            opened.error().message + ")");
    }
  }
  std::string bytes = plaintext.Take();
  const std::string_view sha256_hex = std::string_view(bytes).substr(0, kFileShaHexDigits);
  if (bytes.size() < kFileShaHexDigits || !IsFileShaHex(sha256_hex)) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the file opened but holds no SHA-256");
  }
  auto expected = FileName(sha256_hex);
  if (!expected) return core::Unexpected(expected.error());
  if (CRYPTO_memcmp(expected->data(), file_name.data(), kFileShaHexDigits) != 0) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the file's SHA-256 is not the one its name is made from");
  }
  OpenedFile opened{std::string(sha256_hex), {}};
  bytes.erase(0, kFileShaHexDigits);  // a move within the buffer, not a second one
  opened.content = std::move(bytes);
  return opened;
}

core::Result<std::string> TenantFileSealing::Open(std::string_view sha256_hex, std::string_view sealed) const {
  auto name = FileName(sha256_hex);
  if (!name) return core::Unexpected(name.error());
  auto opened = OpenNamed(*name, sealed);
  if (!opened) return core::Unexpected(opened.error());
  // The name is a function of the SHA-256, so the two agree; kept explicit.
  if (opened->sha256_hex != sha256_hex) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the file holds another SHA-256");
  }
  return std::move(opened->content);
}

}  // namespace citadel::platform
