// The fixed answers the edge gives by itself, without a handler: the plain
// listeners' (the metrics page, the redirect to HTTPS) and the refusals (429,
// 405). Beast-free, so each is unit-tested as a plain value. Pure functions
// (MetricsPage reads the thread-safe registry); thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/metrics_registry.hpp"
#include "http/request.hpp"

namespace citadel::http {

// The metrics listener: GET or HEAD /metrics in Prometheus text format; 404
// for any other path; 405 for another method.
Response MetricsPage(std::string_view method, std::string_view path, const MetricsRegistry& metrics);

// The plain-HTTP listener: 301 to the same host and target over HTTPS.
Response RedirectToHttps(std::optional<std::string_view> host_header, std::string_view target,
                         int https_port, std::string_view public_host);

Response TooManyRequests(int retry_after_seconds);
Response MethodNotAllowed(std::string allow);

// A request id passed on by a trusted proxy is reused only if it is short and
// plain ([A-Za-z0-9._-], at most 64), since it is echoed in a header and logged.
bool IsAcceptableRequestId(std::string_view id);

}  // namespace citadel::http
