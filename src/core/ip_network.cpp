#include "core/ip_network.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>

namespace citadel::core {
namespace {
constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// The mask of one byte whose first `bits` bits count (clamped to 0..8).
unsigned char MaskForBits(int bits) {
  if (bits <= 0) return 0;
  if (bits >= 8) return 0xff;
  return static_cast<unsigned char>((0xffu << (8 - bits)) & 0xffu);
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.size() > 64) return std::nullopt;
  std::string s(text);
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  IpAddress out;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    std::memcpy(out.bytes.data(), kMappedPrefix, 12);
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out.bytes.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

bool IpAddress::is_v4() const { return std::memcmp(bytes.data(), kMappedPrefix, 12) == 0; }

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (is_v4()) {
    inet_ntop(AF_INET, bytes.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

std::optional<IpNetwork> IpNetwork::Parse(std::string_view text) {
  auto slash = text.find('/');
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  int max_bits = address->is_v4() ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), bits);
    if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size() || bits < 0 ||
        bits > max_bits) {
      return std::nullopt;
    }
  }
  IpNetwork net{*address, address->is_v4() ? bits + 96 : bits};
  // Clear host bits so that Contains compares whole bytes.
  for (int i = 0; i < 16; ++i) {
    int keep = net.prefix_bits - i * 8;
    if (keep >= 8) continue;
    net.base.bytes[static_cast<std::size_t>(i)] &= MaskForBits(keep);
  }
  return net;
}

bool IpNetwork::Contains(const IpAddress& address) const {
  for (int i = 0; i < 16; ++i) {
    int keep = prefix_bits - i * 8;
    if (keep <= 0) return true;
    unsigned char mask = MaskForBits(keep);
    auto idx = static_cast<std::size_t>(i);
    if ((address.bytes[idx] & mask) != base.bytes[idx]) return false;
  }
  return true;
}

}  // namespace citadel::core
