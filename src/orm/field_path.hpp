// Dotted field paths ("parent_id.country_id.code"), as domains, related
// fields and compute dependencies write them. Pure; thread-safe.
#pragma once

#include <deque>
#include <string>

namespace citadel::orm {

// "a.b.c" -> ["a", "b", "c"]; empty segments are kept (callers refuse them
// with a message naming the path).
inline std::deque<std::string> SplitFieldPath(const std::string& path) {
  std::deque<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace citadel::orm
