#include "http/same_origin.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace citadel::http {
namespace {

// "host:port" in lower case, ":443" added when no port is written. An IPv6
// literal keeps its brackets ("[::1]:8443").
std::string Authority(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t bracket = out.rfind(']');
  const std::size_t colon = out.rfind(':');
  const bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  if (!has_port) out += ":443";
  return out;
}

}  // namespace

bool IsForeignOrigin(std::optional<std::string_view> origin, std::optional<std::string_view> host) {
  if (!origin) return false;
  constexpr std::string_view kScheme = "https://";
  if (!host || host->empty() || origin->size() <= kScheme.size()) return true;
  std::string scheme(origin->substr(0, kScheme.size()));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != kScheme) return true;
  const std::string_view authority = origin->substr(kScheme.size());
  if (authority.find_first_of("/?#@ ") != std::string_view::npos) return true;  // an origin has no path
  return Authority(authority) != Authority(*host);
}

}  // namespace citadel::http
