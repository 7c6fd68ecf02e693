// HMAC-SHA256 (OpenSSL) and a constant-time comparison: the primitives behind
// every token this layer signs (csrf_token.hpp, reset_token.hpp). Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace citadel::auth {

// The 32-byte MAC of `data` under `key`, raw.
std::string HmacSha256(std::string_view key, std::string_view data);
// The same, as 64 lowercase hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// Equal contents, in time that depends only on the lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace citadel::auth
