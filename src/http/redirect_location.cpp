#include "http/redirect_location.hpp"

#include <algorithm>

#include "core/ip_network.hpp"

namespace citadel::http {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool IsDigits(std::string_view text) {
  return !text.empty() && text.size() <= 5 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsSafeTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return false;
  // "//host" is a path on our host once scheme and authority are fixed, but
  // some clients treat a Location path starting "//" oddly; refuse it.
  if (target.size() > 1 && (target[1] == '/' || target[1] == '\\')) return false;
  return std::all_of(target.begin(), target.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != '\\'; });
}

}  // namespace

bool IsValidHostName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    auto end = dot == std::string_view::npos ? name.size() : dot;
    auto label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAsciiAlnum(c) || c == '-'; })) {
      return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::optional<std::string> HostFromHostHeader(std::string_view host_header) {
  if (host_header.empty() || host_header.size() > 260) return std::nullopt;
  if (host_header.front() == '[') {
    auto close = host_header.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = host_header.substr(close + 1);
    if (!rest.empty() && !(rest.front() == ':' && IsDigits(rest.substr(1)))) return std::nullopt;
    auto literal = host_header.substr(1, close - 1);
    auto address = core::IpAddress::Parse(literal);
    if (!address || address->is_v4()) return std::nullopt;
    return "[" + address->ToString() + "]";
  }
  auto colon = host_header.find(':');
  std::string_view host = host_header.substr(0, colon);
  if (colon != std::string_view::npos && !IsDigits(host_header.substr(colon + 1))) {
    return std::nullopt;  // also refuses a bare IPv6 address, which needs brackets
  }
  if (!IsValidHostName(host)) return std::nullopt;
  return Lowercase(host);
}

std::string BuildRedirectLocation(std::optional<std::string_view> host_header,
                                  std::string_view target, int https_port,
                                  std::string_view public_host) {
  std::optional<std::string> host;
  if (host_header) host = HostFromHostHeader(*host_header);
  if (!host) host = HostFromHostHeader(public_host);
  if (!host) host = "localhost";  // a misconfigured public_host must not be reflected either
  std::string location = "https://" + *host;
  if (https_port != 443) location += ":" + std::to_string(https_port);
  location += IsSafeTarget(target) ? target : std::string_view("/");
  return location;
}

}  // namespace citadel::http
