#include "http/cookies.hpp"

#include <stdexcept>

#include "http/header_syntax.hpp"

namespace citadel::http {
namespace {

// RFC 6265 cookie-octet: visible ASCII except '"', ',', ';', '\' and space.
bool IsCookieOctet(unsigned char c) {
  return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool IsCookieValue(std::string_view value) {
  for (unsigned char c : value) {
    if (!IsCookieOctet(c)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> CookieValue(const Request& request, std::string_view name) {
  std::size_t pairs_seen = 0;
  for (const auto& [header, content] : request.headers) {
    if (!HeaderNameEquals(header, "Cookie")) continue;
    std::string_view rest = content;
    while (!rest.empty() && pairs_seen < kMaxCookiePairs) {
      const std::size_t end = rest.find(';');
      std::string_view pair = TrimOws(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      ++pairs_seen;
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos || TrimOws(pair.substr(0, equals)) != name) continue;
      std::string_view value = TrimOws(pair.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (IsCookieValue(value)) return std::string(value);
    }
  }
  return std::nullopt;
}

std::string SessionSetCookie(std::string_view name, std::string_view value, std::chrono::seconds max_age) {
  bool name_ok = !name.empty();
  for (char c : name) name_ok = name_ok && IsTokenChar(c);  // a cookie name is a token
  if (!name_ok || !IsCookieValue(value)) throw std::invalid_argument("not a cookie name or value");
  const long long seconds = max_age.count() > 0 ? max_age.count() : 0;
  std::string header(name);
  header += '=';
  header += value;
  header += "; Path=/; Max-Age=" + std::to_string(seconds) + "; Secure; HttpOnly; SameSite=Lax";
  return header;
}

}  // namespace citadel::http
