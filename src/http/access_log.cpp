#include "http/access_log.hpp"

#include <cmath>

namespace citadel::http {

void WriteAccessLog(core::Logger& logger, const AccessLogEntry& entry) {
  // Microsecond precision is plenty and keeps lines short.
  double duration_ms = std::round(entry.duration_ms * 1000.0) / 1000.0;
  // A path is bounded by the header limit, but a log line need not be 16 KiB.
  constexpr std::size_t kMaxLoggedPath = 512;
  std::string path = entry.path.size() > kMaxLoggedPath
                         ? entry.path.substr(0, kMaxLoggedPath) + "..."
                         : entry.path;
  logger.Info("http request", {{"request_id", entry.request_id},
                               {"client_ip", entry.client_ip},
                               {"method", entry.method},
                               {"route", entry.route},
                               {"path", path},
                               {"status", entry.status},
                               {"duration_ms", duration_ms},
                               {"bytes", entry.bytes}});
}

}  // namespace citadel::http
