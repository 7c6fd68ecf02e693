#include "http/security_headers.hpp"

namespace citadel::http {

HeaderList SecurityHeaders(int hsts_max_age_seconds) {
  return {
      {"Strict-Transport-Security",
       "max-age=" + std::to_string(hsts_max_age_seconds < 0 ? 0 : hsts_max_age_seconds) +
           "; includeSubDomains"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
      {"Content-Security-Policy",
       "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
  };
}

}  // namespace citadel::http
