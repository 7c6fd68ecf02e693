#include "auth/reset_token.hpp"

#include <charconv>
#include <vector>

#include "auth/token_mac.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::auth {
namespace {

std::vector<std::string_view> SplitResetTokenParts(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (parts.size() < 5) {
    const std::size_t dot = text.find('.', start);
    parts.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool IsLowerHex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::int64_t> PositiveDecimal(std::string_view text) {
  if (text.empty() || text.size() > 18 || text[0] == '0') return std::nullopt;
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace

std::string ResetTokenSigner::MacFor(std::string_view tenant, std::string_view body,
                                     std::string_view fingerprint) const {
  std::string input = "password-reset-v1";
  for (std::string_view part : {tenant, body, fingerprint}) {
    input.push_back('\0');
    input.append(part);
  }
  return HmacSha256Hex(key_, input);
}

std::string ResetTokenSigner::Issue(std::string_view tenant, std::int64_t uid, std::string_view fingerprint,
                                    std::int64_t expires_unix) const {
  const std::string body = std::to_string(uid) + "." + std::to_string(expires_unix) + "." + core::RandomHex(16);
  return body + "." + MacFor(tenant, body, fingerprint);
}

std::optional<ResetTokenClaims> ResetTokenSigner::Parse(std::string_view token) {
  if (token.size() > kMaxResetTokenChars) return std::nullopt;
  const auto parts = SplitResetTokenParts(token);
  if (parts.size() != 4 || !IsLowerHex(parts[2], 32) || !IsLowerHex(parts[3], 64)) return std::nullopt;
  auto uid = PositiveDecimal(parts[0]);
  auto expires = PositiveDecimal(parts[1]);
  if (!uid || !expires) return std::nullopt;
  return ResetTokenClaims{*uid, *expires};
}

bool ResetTokenSigner::Verify(std::string_view token, std::string_view tenant, std::string_view fingerprint,
                              std::int64_t now_unix) const {
  auto claims = Parse(token);
  if (!claims || fingerprint.empty()) return false;
  const std::size_t last_dot = token.rfind('.');
  const bool mac_ok = ConstantTimeEquals(MacFor(tenant, token.substr(0, last_dot), fingerprint),
                                         token.substr(last_dot + 1));
  return mac_ok && now_unix < claims->expires_unix;
}

std::string ResetTokenSigner::TokenId(std::string_view token) { return core::Sha256Hex(token); }

}  // namespace citadel::auth
