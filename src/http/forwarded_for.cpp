#include "http/forwarded_for.hpp"

#include <algorithm>
#include <optional>

#include "http/header_syntax.hpp"

namespace citadel::http {
namespace {

// An entry is an address, maybe with a port: "203.0.113.7", "203.0.113.7:4711",
// "2001:db8::1", "[2001:db8::1]:4711".
std::optional<core::IpAddress> ParseEntry(std::string_view entry) {
  entry = TrimOws(entry);
  if (auto address = core::IpAddress::Parse(entry)) return address;
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return core::IpAddress::Parse(entry.substr(1, close - 1));
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    auto address = core::IpAddress::Parse(entry.substr(0, colon));
    if (address && address->is_v4()) return address;
  }
  return std::nullopt;
}

}  // namespace

bool IsInAnyNetwork(const core::IpAddress& address, const std::vector<core::IpNetwork>& networks) {
  return std::any_of(networks.begin(), networks.end(),
                     [&](const core::IpNetwork& network) { return network.Contains(address); });
}

core::IpAddress ResolveClientIp(const core::IpAddress& peer,
                                const std::vector<std::string_view>& forwarded_for,
                                const std::vector<core::IpNetwork>& trusted_proxies) {
  if (!IsInAnyNetwork(peer, trusted_proxies)) return peer;
  std::vector<std::string_view> entries;
  for (std::string_view header : forwarded_for) {
    std::size_t start = 0;
    while (start <= header.size()) {
      auto comma = header.find(',', start);
      auto end = comma == std::string_view::npos ? header.size() : comma;
      entries.push_back(header.substr(start, end - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  core::IpAddress nearest_trusted = peer;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    auto address = ParseEntry(*it);
    if (!address) return nearest_trusted;
    if (!IsInAnyNetwork(*address, trusted_proxies)) return *address;
    nearest_trusted = *address;
  }
  return nearest_trusted;
}

}  // namespace citadel::http
