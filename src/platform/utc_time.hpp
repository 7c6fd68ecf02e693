// Times as the catalog and the manifests write them: RFC 3339 in UTC,
// "2026-12-03T06:58:23Z", to the second.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace citadel::platform {

std::string Rfc3339(std::chrono::system_clock::time_point when);
std::optional<std::chrono::sys_seconds> ParseRfc3339(const std::string& text);

}  // namespace citadel::platform
