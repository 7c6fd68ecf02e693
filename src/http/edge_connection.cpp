// One client connection: TLS handshake, then requests read under the limits,
// dispatched, answered, until the client leaves, a limit is hit or the server
// stops. The whole life of a connection runs on its own strand, so its members
// need no locks; only the Responder crosses threads, by posting back here.
#include "http/edge_connection.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/access_log.hpp"
#include "http/forwarded_for.hpp"
#include "http/listener_responses.hpp"
#include "http/request_id.hpp"
#include "http/request_target.hpp"
#include "http/response_preparation.hpp"

namespace citadel::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using PlainStream = beast::tcp_stream;

// After a final response, how long the client may take to say goodbye (TLS
// close_notify, or reading what it sent) before the socket is simply closed.
constexpr std::chrono::seconds kLingerLimit{2};
constexpr std::size_t kLingerDrainBytes = 1 << 20;

bool IsParseError(const beast::error_code& error) {
  return error.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         error != bhttp::error::end_of_stream && error != bhttp::error::partial_message;
}

template <class Stream>
class EdgeConnection final : public StoppableConnection,
                             public std::enable_shared_from_this<EdgeConnection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  EdgeConnection(tcp::socket socket, ListenerRole role, std::shared_ptr<net::ssl::context> tls,
                 const core::IpAddress& peer, ConnectionLimiter::Slot slot,
                 std::shared_ptr<EdgeState> state)
      : state_(std::move(state)),
        tls_(std::move(tls)),
        executor_(socket.get_executor()),
        stream_(MakeStream(std::move(socket), tls_.get())),
        role_(role),
        peer_(peer),
        slot_(std::move(slot)),
        buffer_(state_->config.limits.max_header_bytes + 64 * 1024),
        handler_timer_(executor_) {}

  ~EdgeConnection() override {
    if (body_stream_) body_stream_->Cancel();
    if (role_ != ListenerRole::kMetrics) state_->metrics->ConnectionClosed();
    state_->connections.Remove(registry_id_);
  }

  void Start() {
    registry_id_ = state_->connections.Add(this->weak_from_this());
    if (role_ != ListenerRole::kMetrics) state_->metrics->ConnectionOpened();
    net::dispatch(executor_, [self = this->shared_from_this()] { self->Begin(); });
  }

  void BeginShutdown() override {
    net::post(executor_, [self = this->shared_from_this()] {
      self->stopping_ = true;
      // A long download is cut (the client resumes it with Range elsewhere).
      if (self->phase_ == Phase::kIdle || self->body_stream_) self->Close();
    });
  }

 private:
  enum class Phase { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing, kClosed };

  static Stream MakeStream(tcp::socket&& socket, net::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }
  std::chrono::seconds RequestTimeout() const {
    return std::chrono::seconds(std::max(1, state_->config.limits.request_timeout_seconds));
  }

  // The first request's deadline starts at accept, so it covers the handshake.
  void Begin() {
    Tcp().expires_after(RequestTimeout());
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&EdgeConnection::OnHandshake,
                                                        this->shared_from_this()));
    } else {
      AwaitRequest();
    }
  }

  void OnHandshake(beast::error_code error) {
    if (error) return Close();
    AwaitRequest();
  }

  void WaitForNextRequest() {
    if (stopping_ || state_->stopping) return Close();
    first_request_ = false;
    if (buffer_.size() > 0) {
      Tcp().expires_after(RequestTimeout());
      return ReadHeader();
    }
    Tcp().expires_after(std::chrono::seconds(std::max(1, state_->config.limits.idle_timeout_seconds)));
    AwaitRequest();
  }

  // Waits for a request's first byte (under the deadline already set), so a
  // stopping server can tell an idle connection from one mid-request.
  void AwaitRequest() {
    if (stopping_) return Close();
    phase_ = Phase::kIdle;
    stream_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&EdgeConnection::OnFirstBytes,
                                                      this->shared_from_this()));
  }

  // A request has begun: from its first byte it has request_timeout to
  // arrive whole (the first one's deadline runs from accept).
  void OnFirstBytes(beast::error_code error, std::size_t bytes) {
    if (error) return Close();
    buffer_.commit(bytes);
    if (!first_request_) Tcp().expires_after(RequestTimeout());
    ReadHeader();
  }

  void ReadHeader() {
    phase_ = Phase::kReading;
    request_start_ = SteadyClock::now();
    request_id_ = NextRequestId();
    client_ip_ = peer_;
    method_ = "-";
    path_ = "-";
    route_label_ = std::string(kUnmatchedRoute);
    route_ = nullptr;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(state_->config.limits.max_header_bytes, UINT32_MAX)));
    // The body limit depends on the route, known once the header is in;
    // until then a Content-Length must not trip Beast's default.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&EdgeConnection::OnHeader,
                                                       this->shared_from_this()));
  }

  void OnHeader(beast::error_code error, std::size_t) {
    if (error == bhttp::error::header_limit || error == bhttp::error::buffer_overflow) {
      return Finish(JsonErrorResponse(431, "request header fields too large"), true);
    }
    if (error == bhttp::error::body_limit) {
      return Finish(JsonErrorResponse(413, "request body too large"), true);
    }
    if (error && IsParseError(error)) return Finish(JsonErrorResponse(400, "bad request"), true);
    if (error) return Close();  // timeout, reset or end of stream: nobody to answer

    const auto& request = parser_->get();
    method_ = std::string(request.method_string());
    std::string_view target = request.target();
    path_ = std::string(target.substr(0, target.find('?')));
    IdentifyClient();
    switch (role_) {
      case ListenerRole::kMetrics: return ServeMetrics();
      case ListenerRole::kRedirect: return ServeRedirect();
      case ListenerRole::kApplication: return RouteRequest();
    }
  }

  void IdentifyClient() {
    const auto& request = parser_->get();
    std::vector<std::string_view> forwarded_for;
    for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it) {
      forwarded_for.push_back(it->value());
    }
    client_ip_ = ResolveClientIp(peer_, forwarded_for, state_->config.limits.trusted_proxies);
    // A trusted proxy's request id ties our log line to its own.
    if (IsInAnyNetwork(peer_, state_->config.limits.trusted_proxies)) {
      if (auto id = request.find("X-Request-Id"); id != request.end() && IsAcceptableRequestId(id->value())) {
        request_id_ = std::string(id->value());
      }
    }
  }

  bool RateLimited() {
    if (state_->blocked_sources) {
      if (auto retry = state_->blocked_sources->RetryAfter(client_ip_, state_->clock.UnixSeconds())) {
        Finish(TooManyRequests(*retry), true);
        return true;
      }
    }
    auto decision = state_->rate_limiter.Check(client_ip_);
    if (decision.allowed) return false;
    Finish(TooManyRequests(decision.retry_after_seconds), true);
    return true;
  }

  // The plain listeners never read a body: one that was sent closes the connection.
  void ServeMetrics() {
    route_label_ = "metrics";
    Finish(MetricsPage(method_, path_, *state_->metrics), false);
  }

  void ServeRedirect() {
    route_label_ = "redirect";
    if (RateLimited()) return;
    const auto& request = parser_->get();
    std::optional<std::string_view> host;
    if (auto found = request.find(bhttp::field::host); found != request.end()) host = found->value();
    Finish(RedirectToHttps(host, request.target(), state_->https_port.load(), state_->config.public_host),
           false);
  }

  void RouteRequest() {
    const auto& request = parser_->get();
    auto split = SplitRequestTarget(request.target());
    RouteMatch match = split ? state_->router.Match(method_, split->path) : RouteMatch{};
    route_label_ = split ? match.pattern : std::string(kUnmatchedRoute);
    if (RateLimited()) return;
    if (!split) return Finish(JsonErrorResponse(400, "bad request target"), true);
    if (match.kind == RouteMatch::Kind::kNotFound) return Finish(JsonErrorResponse(404, "not found"), false);
    if (match.kind == RouteMatch::Kind::kMethodNotAllowed) return Finish(MethodNotAllowed(match.allow), false);
    route_ = match.route;
    const std::size_t limit = state_->BodyLimitFor(*route_);
    if (auto length = parser_->content_length(); length && *length > limit) {
      return Finish(JsonErrorResponse(413, "request body too large"), true);
    }
    parser_->body_limit(limit);
    auto expect = request.find(bhttp::field::expect);
    if (!parser_->is_done() && expect != request.end() && beast::iequals(expect->value(), "100-continue")) {
      interim_.emplace(bhttp::status::continue_, request.version());
      return bhttp::async_write(stream_, *interim_,
                                beast::bind_front_handler(&EdgeConnection::OnContinueSent,
                                                          this->shared_from_this()));
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code error, std::size_t) {
    interim_.reset();
    if (error) return Close();
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return InvokeHandler();
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&EdgeConnection::OnBody, this->shared_from_this()));
  }

  void OnBody(beast::error_code error, std::size_t) {
    if (error == bhttp::error::body_limit) {
      return Finish(JsonErrorResponse(413, "request body too large"), true);
    }
    if (error && IsParseError(error)) return Finish(JsonErrorResponse(400, "bad request"), true);
    if (error) return Close();
    InvokeHandler();
  }

  Request TakeRequest() {
    auto message = parser_->release();
    Request request;
    request.method = method_;
    request.target = std::string(message.target());
    auto split = SplitRequestTarget(request.target);
    request.path = split->path;
    request.query = split->query;
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = std::move(message.body());
    request.client_ip = client_ip_;
    request.request_id = request_id_;
    request.route = route_label_;
    keep_alive_ = message.keep_alive();
    head_request_ = message.method() == bhttp::verb::head;
    return request;
  }

  void InvokeHandler() {
    phase_ = Phase::kHandling;
    Tcp().expires_never();  // the handler has its own deadline, below
    Request request = TakeRequest();
    const std::uint64_t generation = ++generation_;
    answered_ = std::make_shared<std::atomic<bool>>(false);
    handler_timer_.expires_after(RequestTimeout());
    handler_timer_.async_wait([self = this->shared_from_this(), generation](beast::error_code error) {
      if (!error) self->OnHandlerTimeout(generation);
    });
    try {
      route_->handler(request, MakeResponder(generation));
    } catch (const std::exception& error) {
      HandlerFailed(generation, error.what());
    } catch (...) {
      HandlerFailed(generation, "unknown exception");
    }
  }

  // Callable from any thread, once; posts the answer back to this strand. It
  // holds the connection weakly: a Responder kept by a worker after the
  // connection closed (or the server stopped) keeps nothing alive.
  Responder MakeResponder(std::uint64_t generation) {
    return [weak = this->weak_from_this(), gate = state_->responder_gate, answered = answered_,
            generation](Response response) {
      if (answered->exchange(true)) return;
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      if (auto self = weak.lock()) {
        net::post(self->executor_,
                  [self, generation, response = std::move(response)]() mutable {
                    self->OnHandlerResponse(generation, std::move(response));
                  });
      }
    };
  }

  void HandlerFailed(std::uint64_t generation, const char* what) {
    state_->logger.Error("handler threw", {{"request_id", request_id_}, {"route", route_label_},
                                           {"error", what}});
    if (!answered_->exchange(true)) OnHandlerResponse(generation, JsonErrorResponse(500, "internal server error"));
  }

  void OnHandlerTimeout(std::uint64_t generation) {
    if (generation != generation_ || phase_ != Phase::kHandling) return;
    answered_->store(true);  // a late answer is dropped
    state_->logger.Warn("handler did not answer in time",
                        {{"request_id", request_id_}, {"route", route_label_}});
    Finish(JsonErrorResponse(504, "the request took too long"), false);
  }

  void OnHandlerResponse(std::uint64_t generation, Response response) {
    if (generation != generation_ || phase_ != Phase::kHandling) return;
    handler_timer_.cancel();
    Finish(std::move(response), false);
  }

  // Answers the request in progress; with `must_close` (a limit was hit, or
  // the request could not be read) the connection ends after the answer.
  void Finish(Response response, bool must_close) {
    if (phase_ == Phase::kReading) {
      // Answered before any handler ran: what is known comes from the header, if read.
      const bool header_read = parser_ && parser_->is_header_done();
      keep_alive_ = header_read && parser_->get().keep_alive();
      head_request_ = header_read && parser_->get().method() == bhttp::verb::head;
      // A body left unread would be parsed as the next request.
      must_close = must_close || !parser_ || !parser_->is_done();
    }
    const bool close = must_close || !keep_alive_ || stopping_ || state_->stopping;
    PreparedResponse prepared =
        PrepareResponse(std::move(response), state_->security_headers, request_id_, head_request_);
    Record(prepared);

    if (prepared.stream) {
      if (prepared.send_body) return StartStream(prepared, close);
      prepared.stream->Cancel();  // HEAD, 204, 304: the length only
    }
    response_.emplace();
    response_->version(11);
    response_->result(static_cast<unsigned>(prepared.status));
    for (auto& [name, value] : prepared.headers) response_->insert(name, value);
    if (prepared.send_body) {
      response_->body() = std::move(prepared.body);
      response_->prepare_payload();
    } else if (head_request_ && prepared.status != 204 && prepared.status != 304) {
      response_->content_length(prepared.stream ? prepared.stream_length : prepared.body.size());
    }
    response_->keep_alive(!close);
    phase_ = Phase::kWriting;
    Tcp().expires_after(RequestTimeout());
    bhttp::async_write(stream_, *response_,
                       beast::bind_front_handler(&EdgeConnection::OnWritten,
                                                 this->shared_from_this(), close));
  }

  void Record(const PreparedResponse& prepared) {
    if (role_ == ListenerRole::kMetrics) return;  // the scraper must not count itself
    const double seconds = std::chrono::duration<double>(SteadyClock::now() - request_start_).count();
    state_->metrics->RecordRequest(route_label_, method_, prepared.status, seconds);
    WriteAccessLog(state_->logger,
                   AccessLogEntry{request_id_, client_ip_.ToString(), method_, route_label_, path_,
                                  prepared.status, seconds * 1000.0,
                                  !prepared.send_body ? 0
                                  : prepared.stream  ? prepared.stream_length
                                                     : prepared.body.size()});
  }

  // A streamed body (body_stream.hpp): the header with its Content-Length,
  // then one chunk at a time, each asked for only once the last is written.
  void StartStream(PreparedResponse& prepared, bool close) {
    body_stream_ = std::move(prepared.stream);
    stream_left_ = prepared.stream_length;
    stream_close_ = close;
    stream_header_.emplace();
    stream_header_->version(11);
    stream_header_->result(static_cast<unsigned>(prepared.status));
    for (auto& [name, value] : prepared.headers) stream_header_->insert(name, value);
    stream_header_->content_length(stream_left_);
    stream_header_->keep_alive(!close);
    stream_serializer_.emplace(*stream_header_);
    phase_ = Phase::kWriting;
    Tcp().expires_after(RequestTimeout());
    bhttp::async_write_header(stream_, *stream_serializer_,
                              [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                                if (error) return self->AbortStream();
                                self->PullChunk();
                              });
  }

  void PullChunk() {
    if (stream_left_ == 0) {
      EndStream();
      return OnWritten(stream_close_, {}, 0);
    }
    const std::uint64_t pull = ++stream_pulls_;
    // A producer that stalls is treated as a client that stalls.
    handler_timer_.expires_after(RequestTimeout());
    handler_timer_.async_wait([self = this->shared_from_this(), pull](beast::error_code error) {
      if (!error && pull == self->stream_pulls_ && self->body_stream_) {
        self->state_->logger.Warn("streamed body stalled", {{"request_id", self->request_id_}});
        self->AbortStream();
      }
    });
    body_stream_->Next([weak = this->weak_from_this(), gate = state_->responder_gate,
                        pull](std::optional<std::string> chunk) {
      std::lock_guard lock(gate->mutex);
      if (!gate->open) return;
      if (auto self = weak.lock()) {
        net::post(self->executor_, [self, pull, chunk = std::move(chunk)]() mutable {
          self->OnChunk(pull, std::move(chunk));
        });
      }
    });
  }

  void OnChunk(std::uint64_t pull, std::optional<std::string> chunk) {
    if (pull != stream_pulls_ || !body_stream_ || phase_ != Phase::kWriting) return;
    handler_timer_.cancel();
    if (!chunk || chunk->empty() || chunk->size() > stream_left_) {
      state_->logger.Warn("streamed body failed", {{"request_id", request_id_}});
      return AbortStream();
    }
    stream_chunk_ = std::move(*chunk);
    stream_left_ -= stream_chunk_.size();
    Tcp().expires_after(RequestTimeout());
    net::async_write(stream_, net::buffer(stream_chunk_),
                     [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                       if (error) return self->AbortStream();
                       self->PullChunk();
                     });
  }

  void EndStream() {
    if (body_stream_) body_stream_->Cancel();
    body_stream_.reset();
    stream_serializer_.reset();
    stream_header_.reset();
    stream_chunk_ = std::string();
  }

  // The announced length cannot be kept: closing is the only honest end.
  void AbortStream() {
    EndStream();
    Close();
  }

  void OnWritten(bool close, beast::error_code error, std::size_t) {
    response_.reset();
    if (error) return Close();
    if (close) return Linger();
    parser_.reset();
    WaitForNextRequest();
  }

  // A closing goodbye that does not lose the response: the client may still
  // be sending (an oversized body), and closing a socket with unread data
  // sends a reset that can destroy the response before the client reads it.
  void Linger() {
    phase_ = Phase::kClosing;
    Tcp().expires_after(std::min<std::chrono::seconds>(kLingerLimit, RequestTimeout()));
    if constexpr (kTls) {
      // OpenSSL discards application data while it waits for close_notify.
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Close(); });
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      DrainUntilClosed();
    }
  }

  void DrainUntilClosed() {
    drain_buffer_.resize(16 * 1024);
    Tcp().async_read_some(net::buffer(drain_buffer_),
                          [self = this->shared_from_this()](beast::error_code error, std::size_t bytes) {
                            self->drained_ += bytes;
                            if (error || self->drained_ > kLingerDrainBytes) return self->Close();
                            self->DrainUntilClosed();
                          });
  }

  void Close() {
    phase_ = Phase::kClosed;
    EndStream();
    handler_timer_.cancel();
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  const std::shared_ptr<EdgeState> state_;
  const std::shared_ptr<net::ssl::context> tls_;  // the context this connection started with
  const net::any_io_executor executor_;           // the connection's strand
  Stream stream_;
  const ListenerRole role_;
  const core::IpAddress peer_;
  ConnectionLimiter::Slot slot_;
  std::uint64_t registry_id_ = 0;
  beast::flat_buffer buffer_;
  net::steady_timer handler_timer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response<bhttp::empty_body>> interim_;
  // The streamed body in progress (StartStream).
  std::shared_ptr<BodyStream> body_stream_;
  std::optional<bhttp::response<bhttp::empty_body>> stream_header_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> stream_serializer_;
  std::string stream_chunk_;
  std::uint64_t stream_left_ = 0;
  std::uint64_t stream_pulls_ = 0;
  bool stream_close_ = false;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
  Phase phase_ = Phase::kReading;
  bool stopping_ = false;
  bool first_request_ = true;

  // The request in progress.
  SteadyClock::time_point request_start_;
  std::string request_id_;
  core::IpAddress client_ip_;
  std::string method_;
  std::string path_;
  std::string route_label_;
  const Route* route_ = nullptr;
  bool keep_alive_ = false;
  bool head_request_ = false;
  std::uint64_t generation_ = 0;
  std::shared_ptr<std::atomic<bool>> answered_;
};

}  // namespace

void StartTlsConnection(tcp::socket socket, std::shared_ptr<net::ssl::context> tls_context,
                        const core::IpAddress& peer, ConnectionLimiter::Slot slot,
                        std::shared_ptr<EdgeState> state) {
  std::make_shared<EdgeConnection<TlsStream>>(std::move(socket), ListenerRole::kApplication,
                                              std::move(tls_context), peer, std::move(slot),
                                              std::move(state))
      ->Start();
}

void StartPlainConnection(tcp::socket socket, ListenerRole role, const core::IpAddress& peer,
                          ConnectionLimiter::Slot slot, std::shared_ptr<EdgeState> state) {
  std::make_shared<EdgeConnection<PlainStream>>(std::move(socket), role, nullptr, peer,
                                                std::move(slot), std::move(state))
      ->Start();
}

}  // namespace citadel::http
