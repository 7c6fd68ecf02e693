// Base64 codecs: the standard alphabet (RFC 4648, padded) and passlib's
// "adapted base64" (`.` instead of `+`, no padding), which passlib uses for the
// salt and checksum of `$pbkdf2-sha512$` hashes. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace citadel::core {

std::string Base64Encode(const std::vector<unsigned char>& bytes);
std::optional<std::vector<unsigned char>> Base64Decode(std::string_view text);

std::string AdaptedBase64Encode(const std::vector<unsigned char>& bytes);
std::optional<std::vector<unsigned char>> AdaptedBase64Decode(std::string_view text);

}  // namespace citadel::core
