// UTF-8 text measured as Odoo (Python str) measures it. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace citadel::core {

// Code points of UTF-8 text (Python's len() of the decoded str): the bytes
// that do not continue a sequence. Text that is not valid UTF-8 is counted
// the same way, without checking.
inline std::size_t Utf8CodePoints(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

}  // namespace citadel::core
