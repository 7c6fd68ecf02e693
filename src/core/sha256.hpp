// SHA-256 digests (OpenSSL's EVP), for content addressing and for keeping
// only a digest of a secret (a session id) where a lookup key is needed.
// Pure functions: thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace citadel::core {

// SHA-256 of `content` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view content);

}  // namespace citadel::core
