#include "http/request_id.hpp"

#include <cstdint>
#include <cstring>

#include "core/random.hpp"

namespace citadel::http {
namespace {

std::uint64_t SeedFromOpenSsl() {
  const auto bytes = core::RandomBytes(sizeof(std::uint64_t));
  std::uint64_t seed = 0;
  std::memcpy(&seed, bytes.data(), sizeof(seed));
  return seed;
}

}  // namespace

std::string NextRequestId() {
  // SplitMix64 (Steele, Lea, Flood 2014): a bijection of the counter, so one
  // thread never repeats an id within 2^64 requests; threads start at
  // independent random points.
  thread_local std::uint64_t state = SeedFromOpenSsl();
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<std::size_t>(i)] = kHex[z & 0xf];
  return id;
}

}  // namespace citadel::http
