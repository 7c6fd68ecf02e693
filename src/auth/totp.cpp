#include "auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "auth/token_mac.hpp"
#include "core/random.hpp"

namespace citadel::auth {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

std::string PercentEncodeUriComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  const auto bytes = core::RandomBytes(kTotpSecretBytes);
  return std::string(bytes.begin(), bytes.end());
}

std::string Base32Encode(std::string_view bytes, bool padded) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  if (padded) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base32Decode(std::string_view text) {
  // Padding, if present, must be what the encoder would write.
  std::size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  if (end != text.size() && text.size() % 8 != 0) return std::nullopt;
  // A final group of 1, 3 or 6 characters cannot come from whole bytes.
  const std::size_t tail = end % 8;
  if (tail == 1 || tail == 3 || tail == 6) return std::nullopt;
  if (end != text.size() && text.size() - end >= 8) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < end; ++i) {
    const int value = Base32Value(text[i]);
    if (value < 0) return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // Left-over bits must be zero, so each byte string has one text.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::int64_t TotpStepAt(std::int64_t unix_seconds) { return unix_seconds < 0 ? 0 : unix_seconds / kTotpStepSeconds; }

std::string TotpCode(std::string_view secret, std::int64_t step, int digits) {
  if (digits < 6) digits = 6;
  if (digits > 9) digits = 9;
  std::array<unsigned char, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()), counter.data(), counter.size(), mac, &length);
  // RFC 4226 section 5.3, dynamic truncation.
  const unsigned offset = mac[length - 1] & 0x0f;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_seconds,
                                       std::int64_t last_used_step, int digits) {
  if (code.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t now_step = TotpStepAt(unix_seconds);
  // Every step in the window is computed and compared, matched or not, so the
  // time taken says nothing about which one matched.
  std::optional<std::int64_t> matched;
  for (std::int64_t step = now_step - kTotpWindowSteps; step <= now_step + kTotpWindowSteps; ++step) {
    if (step < 0) continue;
    const bool equal = ConstantTimeEquals(TotpCode(secret, step, digits), code);
    if (equal && step > last_used_step && !matched) matched = step;
  }
  return matched;
}

std::string TotpUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string encoded_issuer = PercentEncodeUriComponent(issuer);
  return "otpauth://totp/" + encoded_issuer + ":" + PercentEncodeUriComponent(account) +
         "?secret=" + Base32Encode(secret, false) + "&issuer=" + encoded_issuer + "&algorithm=SHA1&digits=" +
         std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

}  // namespace citadel::auth
