// IP addresses and networks (CIDR), for the per-IP limits' allow-list and the
// trusted reverse proxies. IPv4 is held as IPv4-mapped IPv6 so that one
// comparison serves both families. Values; thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::core {

struct IpAddress {
  std::array<unsigned char, 16> bytes{};
  bool operator==(const IpAddress&) const = default;
  auto operator<=>(const IpAddress&) const = default;

  static std::optional<IpAddress> Parse(std::string_view text);
  bool is_v4() const;
  std::string ToString() const;
};

struct IpNetwork {
  IpAddress base;
  int prefix_bits = 128;  // over the 128-bit (mapped) form

  // "10.0.0.0/8", "::1/128", or a bare address (a /32 or /128).
  static std::optional<IpNetwork> Parse(std::string_view text);
  bool Contains(const IpAddress& address) const;
};

}  // namespace citadel::core
