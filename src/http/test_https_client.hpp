// Test support: a small blocking HTTP/1.1 client over TCP, with or without
// TLS (plain OpenSSL, no Beast), that can bind its source address (127.0.0.2,
// 127.0.0.3, ... are all loopback on Linux) to act as different clients.
// Every socket operation has a timeout, so a broken server fails a test
// instead of hanging it. Not part of the library; one thread per connection.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/openssl_handles.hpp"

namespace citadel::http::testing {

struct HttpReply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> Header(std::string_view name) const;
};

struct ClientOptions {
  bool tls = true;
  std::string source_ip = "127.0.0.1";
  std::chrono::milliseconds timeout{5000};
  // PEM of the CA to verify the server against (host "localhost"); empty: no verification.
  std::string trusted_ca_pem;
  // Restricts the client's TLS (versions, ciphers) before it connects.
  std::function<void(SSL_CTX*)> restrict_tls;
};

class TestConnection {
 public:
  // Null if the TCP connection or the TLS handshake fails.
  static std::unique_ptr<TestConnection> Open(int port, const ClientOptions& options = {});
  ~TestConnection();

  bool Send(std::string_view bytes);
  // One response, framed by Content-Length (no body after a HEAD); nullopt on
  // error or close.
  std::optional<HttpReply> ReadReply(bool head_request = false);
  // True if the server closes the connection (EOF or reset) within `timeout`.
  bool WaitForClose(std::chrono::milliseconds timeout);
  // The server's certificate in PEM, for TLS connections.
  std::string PeerCertificatePem() const;

 private:
  TestConnection() = default;
  long Read(char* data, std::size_t size);

  int fd_ = -1;
  bool last_read_timed_out_ = false;
  openssl::SslCtxPtr context_;
  openssl::SslPtr ssl_;
  std::string pending_;
};

// One request on a fresh connection: "GET /path HTTP/1.1" plus `extra_headers`
// (each ending in \r\n) and a body; the connection closes after the reply.
std::optional<HttpReply> Fetch(int port, const std::string& method, const std::string& target,
                               const ClientOptions& options = {}, const std::string& extra_headers = "",
                               const std::string& body = "");

}  // namespace citadel::http::testing
