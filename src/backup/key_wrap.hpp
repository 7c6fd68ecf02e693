// Key wrapping: a backup's data key, sealed under a key-encryption key (KEK)
// with AES-256-GCM, so the data key can be stored beside the backup (in its
// manifest or the catalog) and the KEK rotated without re-encrypting backups.
//
// Wrapped format: version byte 1 || 12-byte random nonce || ciphertext (as
// long as the key) || 16-byte tag. The associated data is the version byte
// followed by the caller's `context` (e.g. "citadel-backup v1|tenant 12|backup
// 3f2a..."), so a wrapped key unwraps only under the context it was wrapped
// for, and a later format version can never be read as this one.
//
// Nonces are random: one KEK may wrap up to about 2^32 keys before a nonce
// collision becomes a concern; rotate the KEK well before that.
//
// Free functions, thread-safe. A KEK that is not 32 bytes is a programming
// error and throws std::invalid_argument. Returned keys are plain strings:
// the caller wipes them (OPENSSL_cleanse) when done.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::backup {

inline constexpr std::size_t kDataKeyBytes = 32;
inline constexpr unsigned char kWrappedKeyVersion = 1;
// Version byte, nonce and tag around the key itself.
inline constexpr std::size_t kWrappedKeyOverheadBytes = 1 + 12 + 16;

// A fresh random AES-256 key for one backup.
std::string NewDataKey();

// Seals `key` under `kek32`, bound to `context`.
std::string WrapKey(std::string_view kek32, std::string_view key, std::string_view context);

// The key sealed in `wrapped`; kInvalidArgument if it is not a wrapped key of
// a known version, or if the KEK or context differ or a byte was altered.
core::Result<std::string> UnwrapKey(std::string_view kek32, std::string_view wrapped,
                                    std::string_view context);

}  // namespace citadel::backup
