#include "backup/backup_site.hpp"

#include <string>

namespace citadel::backup {
namespace {

constexpr std::size_t kMaxSitePathLength = 1024;

bool IsSitePathCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

core::Result<void> CheckSitePath(std::string_view path) {
  auto refuse = [&](const std::string& why) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "site path refused: " + why);
  };
  if (path.empty()) return refuse("it is empty");
  if (path.size() > kMaxSitePathLength) return refuse("longer than 1024 characters");
  if (path.front() == '/') return refuse("it must be relative to the site's root");
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(start, end - start);
    if (component.empty()) return refuse("it has an empty component");
    if (component == "." || component == "..") return refuse("it has a '.' or '..' component");
    for (char c : component) {
      if (!IsSitePathCharacter(c)) return refuse("only letters, digits, '.', '_', '-' and '/' are allowed");
    }
    start = end + 1;
  }
  return {};
}

std::string SiteParentDirectory(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace citadel::backup
