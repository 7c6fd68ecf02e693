#include "http/request_target.hpp"

namespace citadel::http {
namespace {

// A segment that decodes to "." or "..": percent-encoded dots count too, since
// a handler that decodes the path would otherwise see them.
bool IsDotSegment(std::string_view segment) {
  int dots = 0;
  std::size_t i = 0;
  while (i < segment.size()) {
    if (segment[i] == '.') {
      ++i;
    } else if (segment.size() - i >= 3 && segment[i] == '%' && segment[i + 1] == '2' &&
               (segment[i + 2] == 'e' || segment[i + 2] == 'E')) {
      i += 3;
    } else {
      return false;
    }
    ++dots;
  }
  return dots == 1 || dots == 2;
}

}  // namespace

std::optional<SplitTargetResult> SplitRequestTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  for (char c : target) {
    // Beast has already refused control characters; this keeps the function
    // safe on its own (it is fuzzed without Beast).
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') return std::nullopt;
  }
  auto question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    if (IsDotSegment(path.substr(start, end - start))) return std::nullopt;
    start = end + 1;
  }
  return SplitTargetResult{std::string(path), std::string(query)};
}

}  // namespace citadel::http
