// The headers every response carries, whatever listener, status or handler
// produced it: HSTS and the usual browser hardening (no MIME sniffing, no
// framing, a strict referrer policy, a restrictive Content-Security-Policy,
// cross-origin isolation of the browsing context).
//
// Why on every response, errors included: a 404 or 429 page is still a page a
// browser renders, and HSTS must reach the browser on whatever answer it gets
// first. Pure; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace citadel::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

HeaderList SecurityHeaders(int hsts_max_age_seconds);

}  // namespace citadel::http
