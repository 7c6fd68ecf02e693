// Big-endian integers in the backup formats (archive records, the backup
// file's envelope length): one definition, so the formats cannot disagree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace citadel::backup {

inline void AppendBigEndian32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

inline void AppendBigEndian64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xff));
}

// The unsigned integer written big-endian in `bytes` (at most 8 of them).
inline std::uint64_t ReadBigEndian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

}  // namespace citadel::backup
