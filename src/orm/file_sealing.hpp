// FileSealing: how a FileStore (file_store.hpp) names the files it keeps and
// what it writes in them, so that a tenant's files are encrypted at rest
// without the ORM knowing keys or ciphers (layering: the keys belong to the
// platform; platform/tenant_file_sealing.hpp is the real one, AES-256-GCM
// under keys derived from the tenant's key).
//
// A file is known by the SHA-256 of its content (the reference's hex). The
// sealing turns that into the name the file gets on disk (never the SHA-256
// itself: anyone holding the disk could confirm a guessed document by it)
// and seals the content so that it opens only under that same identity: a
// file renamed, swapped for another, altered or truncated fails to open.
//
// Errors are core::Result. kPermissionDenied means the store cannot be used
// at all now (the tenant's key is missing or destroyed); its message is safe
// to show a client. Any other error concerns one file.
//
// Implementations are immutable after construction and thread-safe: every
// call of every thread of a tenant goes through one object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::orm {

class FileSealing {
 public:
  virtual ~FileSealing() = default;

  // The file's name in the store: 64 lowercase hex digits (the store shards
  // by the first two), a function of `sha256_hex` alone.
  virtual core::Result<std::string> FileName(std::string_view sha256_hex) const = 0;
  // What is written to disk for `content`, whose SHA-256 is `sha256_hex`.
  virtual core::Result<std::string> Seal(std::string_view sha256_hex, std::string_view content) const = 0;
  // The content back from what Seal wrote; fails (not kPermissionDenied)
  // when `sealed` was not sealed for this identity under this key, or was
  // altered or cut.
  virtual core::Result<std::string> Open(std::string_view sha256_hex, std::string_view sealed) const = 0;
  // The size Seal's output has for content of `content_size` bytes (a file
  // of another size is not the one wanted).
  virtual std::uint64_t SealedSize(std::uint64_t content_size) const = 0;
};

}  // namespace citadel::orm
