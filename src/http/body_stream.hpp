// BodyStream: a response body made while it is sent — a download far larger
// than memory should hold (a customer's backup, decrypted on the fly). The
// handler answers with Response::stream set and Response::stream_length the
// exact byte count (sent as Content-Length, so the client knows the size and
// can resume with Range); the edge then asks for one chunk at a time and
// writes it before asking for the next, so a connection holds at most one
// chunk and the producer's own bounded buffer.
//
// Contract: Next is called on the connection's strand, never twice before
// `deliver` ran; `deliver` may be called from any thread, exactly once, with
// the next bytes (non-empty), or nullopt when the producer failed. A stream
// that fails, delivers more than it announced, or stalls longer than the
// request timeout has its connection closed (the client sees a short body,
// never a wrong one). Cancel is called, from any thread, when the edge
// stops asking (the client left, the body is complete, the server stops,
// a HEAD request): the producer stops and frees what it holds; a `deliver`
// after it is ignored. Implementations are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace citadel::http {

class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual void Next(std::function<void(std::optional<std::string>)> deliver) = 0;
  virtual void Cancel() = 0;
};

}  // namespace citadel::http
