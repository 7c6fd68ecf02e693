// The key the per-IP limits count by, and a hash for it.
//
// An IPv4 client is its address. An IPv6 client is its /64: one host is
// routinely given a whole /64, so counting single IPv6 addresses would let one
// machine present itself as 2^64 clients. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/ip_network.hpp"

namespace citadel::http {

inline core::IpAddress ClientKeyOf(const core::IpAddress& address) {
  if (address.is_v4()) return address;
  core::IpAddress key = address;
  for (std::size_t i = 8; i < key.bytes.size(); ++i) key.bytes[i] = 0;
  return key;
}

struct IpAddressHash {
  std::size_t operator()(const core::IpAddress& address) const {
    std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
    for (unsigned char byte : address.bytes) {
      hash ^= byte;
      hash *= 1099511628211ULL;
    }
    return static_cast<std::size_t>(hash);
  }
};

}  // namespace citadel::http
