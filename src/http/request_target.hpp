// Splitting a request target into path and query, refusing the forms the
// router must never see.
//
// Only origin-form targets ("/path?query") are served: absolute-form
// ("http://host/"), authority-form and "*" are refused, and so is a path with a
// "." or ".." segment, spelt plainly or percent-encoded ("%2e%2E"), because a
// prefix route ("/static/*") must not be reachable as a way into another
// ("/static/../admin"). The path stays percent-encoded otherwise. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace citadel::http {

struct SplitTargetResult {
  std::string path;
  std::string query;
};

std::optional<SplitTargetResult> SplitRequestTarget(std::string_view target);

}  // namespace citadel::http
