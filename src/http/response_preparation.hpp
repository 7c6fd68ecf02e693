// Turning a handler's Response into what goes on the wire: the status checked,
// the security headers and X-Request-Id added, and the handler's own headers
// cleaned. Beast-free so the rules are unit-tested without sockets.
//
// Rules: a status outside 200-599 becomes 500 (a handler cannot send 1xx). A
// handler header is dropped if its name is not an HTTP token or its value holds
// CR, LF or NUL (response splitting), or if it is a framing or hop-by-hop
// header (Content-Length, Transfer-Encoding, Connection, ...), which belong to
// the server. A handler header with the name of a security header replaces it
// (a page may need its own Content-Security-Policy); X-Request-Id is always
// the server's. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/request.hpp"
#include "http/security_headers.hpp"

namespace citadel::http {

struct PreparedResponse {
  int status = 500;
  HeaderList headers;   // in order; names may repeat (Set-Cookie)
  std::string body;
  bool send_body = true;  // false for HEAD, 204 and 304: Content-Length only (HEAD) or nothing
  // The handler's streamed body (request.hpp), when it may have one; the
  // edge cancels it when send_body is false.
  std::shared_ptr<BodyStream> stream;
  std::uint64_t stream_length = 0;
};

PreparedResponse PrepareResponse(Response response, const HeaderList& security_headers,
                                 std::string_view request_id, bool head_request);

}  // namespace citadel::http
