#include "http/test_https_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include <openssl/pem.h>

#include "http/request.hpp"

namespace citadel::http::testing {
namespace {

// A write to a socket the server closed must fail the test, not kill it.
const bool kIgnoreSigpipe = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

bool SetTimeouts(int fd, std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value) == 0 &&
         setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value) == 0;
}

}  // namespace

std::optional<std::string> HttpReply::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (HeaderNameEquals(key, name)) return value;
  }
  return std::nullopt;
}

std::unique_ptr<TestConnection> TestConnection::Open(int port, const ClientOptions& options) {
  (void)kIgnoreSigpipe;
  std::unique_ptr<TestConnection> connection(new TestConnection());
  connection->fd_ = socket(AF_INET, SOCK_STREAM, 0);
  if (connection->fd_ < 0 || !SetTimeouts(connection->fd_, options.timeout)) return nullptr;
  sockaddr_in source{};
  source.sin_family = AF_INET;
  inet_pton(AF_INET, options.source_ip.c_str(), &source.sin_addr);
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (bind(connection->fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0 ||
      connect(connection->fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    return nullptr;
  }
  if (!options.tls) return connection;
  connection->context_.reset(SSL_CTX_new(TLS_client_method()));
  if (!options.trusted_ca_pem.empty()) {
    auto bio = openssl::MemoryBio(options.trusted_ca_pem);
    openssl::X509Ptr ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    X509_STORE_add_cert(SSL_CTX_get_cert_store(connection->context_.get()), ca.get());
    SSL_CTX_set_verify(connection->context_.get(), SSL_VERIFY_PEER, nullptr);
  }
  if (options.restrict_tls) options.restrict_tls(connection->context_.get());
  connection->ssl_.reset(SSL_new(connection->context_.get()));
  SSL* ssl = connection->ssl_.get();
  SSL_set1_host(ssl, "localhost");
  SSL_set_fd(ssl, connection->fd_);
  if (SSL_connect(ssl) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return connection;
}

TestConnection::~TestConnection() {
  if (ssl_) SSL_shutdown(ssl_.get());
  ERR_clear_error();
  ssl_.reset();
  if (fd_ >= 0) close(fd_);
}

bool TestConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    long sent = ssl_ ? SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()))
                     : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) {
      ERR_clear_error();
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

long TestConnection::Read(char* data, std::size_t size) {
  errno = 0;
  long got = ssl_ ? SSL_read(ssl_.get(), data, static_cast<int>(size)) : ::recv(fd_, data, size, 0);
  last_read_timed_out_ = false;
  if (got <= 0) {
    int ssl_error = ssl_ ? SSL_get_error(ssl_.get(), static_cast<int>(got)) : SSL_ERROR_NONE;
    last_read_timed_out_ = ssl_error == SSL_ERROR_WANT_READ || errno == EAGAIN || errno == EWOULDBLOCK;
    ERR_clear_error();
  }
  return got;
}

std::optional<HttpReply> TestConnection::ReadReply(bool head_request) {
  char chunk[16384];
  std::size_t header_end;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    long got = Read(chunk, sizeof chunk);
    if (got <= 0) return std::nullopt;
    pending_.append(chunk, static_cast<std::size_t>(got));
  }
  HttpReply reply;
  std::string head = pending_.substr(0, header_end);
  pending_.erase(0, header_end + 4);
  auto line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  reply.status = std::stoi(status_line.substr(9, 3));
  std::size_t start = line_end == std::string::npos ? head.size() : line_end + 2;
  while (start < head.size()) {
    auto end = head.find("\r\n", start);
    if (end == std::string::npos) end = head.size();
    std::string line = head.substr(start, end - start);
    auto colon = line.find(':');
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    reply.headers.emplace_back(line.substr(0, colon), value);
    start = end + 2;
  }
  std::size_t length = head_request ? 0 : std::stoul(reply.Header("Content-Length").value_or("0"));
  while (pending_.size() < length) {
    long got = Read(chunk, sizeof chunk);
    if (got <= 0) return std::nullopt;
    pending_.append(chunk, static_cast<std::size_t>(got));
  }
  reply.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return reply;
}

bool TestConnection::WaitForClose(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char chunk[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd poller{fd_, POLLIN, 0};
    if (poll(&poller, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
    // Bounded by the time left, since TLS may read a ticket and wait for more.
    SetTimeouts(fd_, std::max(left, std::chrono::milliseconds(1)));
    long got = Read(chunk, sizeof chunk);
    if (got <= 0 && !last_read_timed_out_) return true;
  }
  return false;
}

std::string TestConnection::PeerCertificatePem() const {
  if (!ssl_) return {};
  openssl::X509Ptr certificate(SSL_get1_peer_certificate(ssl_.get()));
  openssl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!certificate || PEM_write_bio_X509(bio.get(), certificate.get()) != 1) return {};
  return openssl::BioContents(bio.get());
}

std::optional<HttpReply> Fetch(int port, const std::string& method, const std::string& target,
                               const ClientOptions& options, const std::string& extra_headers,
                               const std::string& body) {
  auto connection = TestConnection::Open(port, options);
  if (!connection) return std::nullopt;
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                        extra_headers;
  if (!body.empty()) request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  if (!connection->Send(request)) return std::nullopt;
  return connection->ReadReply();
}

}  // namespace citadel::http::testing
