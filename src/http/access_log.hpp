// One structured line per answered request, through core::Logger.
//
// The line names the request (request_id, client_ip, method, route, path) and
// its outcome (status, duration_ms, bytes). It deliberately has no query
// string, no headers and no body: those carry session cookies, API keys,
// passwords and signed tokens, and a log is read by more people than a
// database is. The entry type has no field that could hold them, so a caller
// cannot pass them by mistake. Pure formatting; thread-safe as the Logger is.
#pragma once

#include <cstddef>
#include <string>

#include "core/logger.hpp"

namespace citadel::http {

struct AccessLogEntry {
  std::string request_id;
  std::string client_ip;
  std::string method;
  std::string route;  // the route pattern, or "unmatched" / "redirect" / "metrics"
  std::string path;   // without the query string
  int status = 0;
  double duration_ms = 0;
  std::size_t bytes = 0;  // response body bytes
};

void WriteAccessLog(core::Logger& logger, const AccessLogEntry& entry);

}  // namespace citadel::http
