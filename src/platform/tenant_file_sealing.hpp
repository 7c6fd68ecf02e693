// TenantFileSealing: encryption at rest of one tenant's file store
// (orm/file_store.hpp), under keys derived from the tenant's key — the same
// key that wraps its backups (backup/tenant_key_store.hpp), so destroying it
// when the tenant is dropped makes every copy of its files unreadable too
// (crypto-shredding), wherever a copy went.
//
// Keys: HKDF-SHA256 of the tenant key, info "citadel filestore v1", 64
// bytes: the first 32 seal, the last 32 name. Neither is ever stored.
//
// A file's name is HMAC-SHA256(naming key, "<sha256 hex>") in hex: without
// the tenant's key nobody holding the disk can tell which document a file
// is by hashing a guess. The name depends on the SHA-256 alone (not the
// size), so a restore can name a file from its archive entry before it has
// read it all.
//
// A file's bytes are a sealed stream (backup/sealed_stream.hpp: AES-256-GCM
// in 64 KiB chunks, a fresh random nonce prefix per file) whose context is
// "citadel filestore v1|<file name>" and whose plaintext is the content's
// SHA-256 (64 hex digits) followed by the content. The context binds the
// file to its name, so a file moved or copied over another's name fails to
// open; the SHA-256 inside lets a backup, which only lists names, recover
// each file's reference, and is checked against the name on every open.
//
// Immutable after construction; thread-safe (each call makes its own
// cipher contexts). The derived keys are wiped when the object goes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "orm/file_sealing.hpp"

namespace citadel::platform {

inline constexpr std::string_view kFileSealingLabel = "citadel filestore v1";
inline constexpr std::uint32_t kFileSealingChunkBytes = 64 * 1024;

// A sealed file opened knowing only its name (a backup reading the store).
struct OpenedFile {
  std::string sha256_hex;
  std::string content;
};

class TenantFileSealing final : public orm::FileSealing {
 public:
  // `tenant_key`: the tenant's 32-byte key (TenantKey::bytes). Throws
  // std::invalid_argument for another size.
  explicit TenantFileSealing(std::string_view tenant_key);
  ~TenantFileSealing() override;
  TenantFileSealing(const TenantFileSealing&) = delete;
  TenantFileSealing& operator=(const TenantFileSealing&) = delete;

  core::Result<std::string> FileName(std::string_view sha256_hex) const override;
  core::Result<std::string> Seal(std::string_view sha256_hex, std::string_view content) const override;
  core::Result<std::string> Open(std::string_view sha256_hex, std::string_view sealed) const override;
  std::uint64_t SealedSize(std::uint64_t content_size) const override;

  // Opens the file stored under `file_name`: kInvalidArgument unless it was
  // sealed under this key for that name and holds the SHA-256 that name is
  // made from.
  core::Result<OpenedFile> OpenNamed(std::string_view file_name, std::string_view sealed) const;

 private:
  std::string sealing_key_;
  std::string naming_key_;
};

// The sealing of a tenant whose key cannot be had: every call fails with
// kPermissionDenied and `reason` (shown to clients: no path, no key).
class UnavailableFileSealing final : public orm::FileSealing {
 public:
  explicit UnavailableFileSealing(std::string reason) : reason_(std::move(reason)) {}
  core::Result<std::string> FileName(std::string_view) const override { return Refuse(); }
  core::Result<std::string> Seal(std::string_view, std::string_view) const override { return Refuse(); }
  core::Result<std::string> Open(std::string_view, std::string_view) const override { return Refuse(); }
  std::uint64_t SealedSize(std::uint64_t content_size) const override { return content_size; }

 private:
  core::Result<std::string> Refuse() const { return core::Fail(core::ErrorCode::kPermissionDenied, reason_); }
  std::string reason_;
};

}  // namespace citadel::platform
