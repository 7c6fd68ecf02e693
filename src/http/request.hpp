// The request and response an HTTP handler sees, and the handler's signature.
//
// These types are plain values with no Boost.Beast in sight, so upper layers
// (rpc, web, cli) can register routes without compiling Beast. The edge server
// (https_server.hpp) fills a Request after it has enforced every limit, calls
// the route's Handler on the connection's I/O strand, and writes the Response
// it is given.
//
// Ownership and threads: a Handler runs on an I/O thread and must not block;
// work that waits (PostgreSQL, password hashing, files) goes to a worker pool,
// carrying the Responder with it. The Request reference is valid only during
// the Handler call: copy what the worker needs. A Responder may be called from
// any thread, exactly once (later calls are ignored); if it is never called,
// the request times out with 504. A Handler that throws gets a generic 500: the
// exception's message never reaches the client.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ip_network.hpp"
#include "http/body_stream.hpp"

namespace citadel::http {

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // the raw request target, path and query
  std::string path;    // the raw (still percent-encoded) path; never holds "." or ".." segments
  std::string query;   // after '?', without it; empty if none
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  core::IpAddress client_ip;  // the peer, or the client named by a trusted proxy
  std::string request_id;     // also sent back as X-Request-Id
  std::string route;          // the matched route pattern, e.g. "/web/*"

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers. A handler may replace a security header on purpose (a page
  // with its own Content-Security-Policy); framing headers (Content-Length,
  // Transfer-Encoding, Connection) are the server's and are dropped, and so is
  // any header whose name or value could split the response (CR, LF, NUL).
  std::vector<std::pair<std::string, std::string>> headers;
  // A body produced while it is sent (body_stream.hpp): when set, `body` is
  // ignored and exactly `stream_length` bytes are sent as they come.
  std::shared_ptr<BodyStream> stream = nullptr;
  std::uint64_t stream_length = 0;
};

using Responder = std::function<void(Response)>;
using Handler = std::function<void(const Request&, Responder)>;

// A JSON error body {"error": "<message>"}; the message is escaped.
Response JsonErrorResponse(int status, std::string_view message);

// True if two header names are equal, ignoring ASCII case.
bool HeaderNameEquals(std::string_view a, std::string_view b);

}  // namespace citadel::http
