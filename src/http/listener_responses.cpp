#include "http/listener_responses.hpp"

#include <algorithm>

#include "http/redirect_location.hpp"

namespace citadel::http {

Response MetricsPage(std::string_view method, std::string_view path, const MetricsRegistry& metrics) {
  if (path != "/metrics") return JsonErrorResponse(404, "not found");
  if (method != "GET" && method != "HEAD") return MethodNotAllowed("GET, HEAD");
  Response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics.Render();
  return response;
}

Response RedirectToHttps(std::optional<std::string_view> host_header, std::string_view target,
                         int https_port, std::string_view public_host) {
  Response response;
  response.status = 301;
  response.content_type.clear();
  response.headers.emplace_back("Location",
                                BuildRedirectLocation(host_header, target, https_port, public_host));
  return response;
}

Response TooManyRequests(int retry_after_seconds) {
  Response response = JsonErrorResponse(429, "too many requests");
  response.headers.emplace_back("Retry-After", std::to_string(std::max(1, retry_after_seconds)));
  return response;
}

Response MethodNotAllowed(std::string allow) {
  Response response = JsonErrorResponse(405, "method not allowed");
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

bool IsAcceptableRequestId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
  });
}

}  // namespace citadel::http
