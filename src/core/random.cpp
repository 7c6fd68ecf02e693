#include "core/random.hpp"

#include "core/hex.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <openssl/rand.h>

namespace citadel::core {
namespace {

// Uniform choice from an alphabet by rejection sampling (no modulo bias).
std::string RandomFromAlphabet(std::string_view alphabet, std::size_t length) {
  std::string out;
  out.reserve(length);
  const std::size_t limit = 256 - (256 % alphabet.size());
  while (out.size() < length) {
    for (unsigned char b : RandomBytes(length)) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace

std::vector<unsigned char> RandomBytes(std::size_t count) {
  std::vector<unsigned char> out(count);
  if (count > 0 && RAND_bytes(out.data(), static_cast<int>(count)) != 1) {
    std::fputs("fatal: no secure randomness available\n", stderr);
    std::abort();
  }
  return out;
}

std::string RandomHex(std::size_t count) {
  const auto bytes = RandomBytes(count);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string RandomLowerAlnum(std::size_t length) {
  return RandomFromAlphabet("abcdefghijklmnopqrstuvwxyz0123456789", length);
}

std::string RandomPassword(std::size_t length) {
  return RandomFromAlphabet("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", length);
}

}  // namespace citadel::core
