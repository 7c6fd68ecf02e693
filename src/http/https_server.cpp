// The server's machinery: the I/O threads (io_context_pool.hpp), the listeners and
// their accept loops, the TLS context (swapped on reload) and the timer that
// rotates session-ticket keys. Connections live in edge_connection.cpp.
#include "http/https_server.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/edge_connection.hpp"
#include "http/edge_state.hpp"
#include "http/io_context_pool.hpp"
#include "http/tls_context.hpp"

namespace citadel::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using core::ErrorCode;

// After accept() fails for lack of descriptors, wait before trying again
// rather than spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

core::IpAddress ToIpAddress(const net::ip::address& address) {
  core::IpAddress out;
  if (address.is_v4()) {
    out.bytes[10] = 0xff;
    out.bytes[11] = 0xff;
    auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.bytes.begin() + 12);
  } else {
    auto v6 = address.to_v6().to_bytes();
    std::copy(v6.begin(), v6.end(), out.bytes.begin());
  }
  return out;
}

std::string DescribeEndpoint(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool IsLoopback(const core::IpAddress& address) {
  static const core::IpNetwork kV4 = *core::IpNetwork::Parse("127.0.0.0/8");
  static const core::IpNetwork kV6 = *core::IpNetwork::Parse("::1/128");
  return kV4.Contains(address) || kV6.Contains(address);
}

}  // namespace

// Listener is not in the anonymous namespace: HttpsServer::Impl holds
// Listeners, and a class with linkage must not have a member of an internal
// type (-Wsubobject-linkage, reported once this file is compiled in a unity
// batch, as an included file).
namespace https_server_internal {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using TlsSource = std::function<std::shared_ptr<net::ssl::context>()>;

  Listener(IoContextPool& pool, ListenerRole role, std::shared_ptr<EdgeState> state, TlsSource tls)
      : pool_(pool),
        acceptor_(net::make_strand(pool.First())),
        retry_timer_(acceptor_.get_executor()),
        role_(role),
        state_(std::move(state)),
        tls_(std::move(tls)) {}

  core::Result<void> Bind(const std::string& host, int port) {
    const std::string where = DescribeEndpoint(host, port);
    boost::system::error_code error;
    auto address = net::ip::make_address(host, error);
    if (error) return core::Fail(ErrorCode::kInvalidArgument, "cannot listen on " + where + ": not an IP address");
    if (port < 0 || port > 65535) return core::Fail(ErrorCode::kInvalidArgument, "cannot listen on " + where + ": bad port");
    tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    acceptor_.open(endpoint.protocol(), error);
    if (!error) acceptor_.set_option(net::socket_base::reuse_address(true), error);
    if (!error) acceptor_.bind(endpoint, error);
    if (!error) acceptor_.listen(net::socket_base::max_listen_connections, error);
    if (error) return core::Fail(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + error.message());
    port_ = acceptor_.local_endpoint().port();
    return {};
  }

  int port() const { return port_; }

  void StartAccepting() {
    net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
  }

  void StopAccepting() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->retry_timer_.cancel();
      self->acceptor_.close(ignored);
    });
  }

 private:
  void Accept() {
    if (state_->stopping || !acceptor_.is_open()) return;
    // Each connection gets a strand of its own, on the next I/O thread's context.
    acceptor_.async_accept(net::make_strand(pool_.Next()),
                           [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
                             self->OnAccept(error, std::move(socket));
                           });
  }

  void OnAccept(boost::system::error_code error, tcp::socket socket) {
    if (error == net::error::operation_aborted || state_->stopping) return;
    if (error) {
      state_->logger.Warn("accept failed", {{"error", error.message()}, {"port", port_}});
      retry_timer_.expires_after(kAcceptRetryDelay);
      retry_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_error) {
        if (!wait_error) self->Accept();
      });
      return;
    }
    Admit(std::move(socket));
    Accept();
  }

  void Admit(tcp::socket socket) {
    boost::system::error_code error;
    auto remote = socket.remote_endpoint(error);
    if (error) return;  // the client is already gone
    const core::IpAddress peer = ToIpAddress(remote.address());
    auto& limiter = role_ == ListenerRole::kMetrics ? state_->metrics_connections : state_->client_connections;
    auto slot = limiter.TryAdmit(peer);
    if (!slot) {
      // Closed at once: a refused client gets no TLS handshake to spend our CPU on.
      state_->metrics->ConnectionRefused(slot.error() == ConnectionRefusal::kTotalLimit ? "total_limit"
                                                                                      : "per_client_limit");
      socket.close(error);
      return;
    }
    socket.set_option(tcp::no_delay(true), error);
    if (role_ == ListenerRole::kApplication) {
      StartTlsConnection(std::move(socket), tls_(), peer, std::move(*slot), state_);
    } else {
      StartPlainConnection(std::move(socket), role_, peer, std::move(*slot), state_);
    }
  }

  IoContextPool& pool_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  const ListenerRole role_;
  const std::shared_ptr<EdgeState> state_;
  const TlsSource tls_;
  int port_ = 0;
};

}  // namespace https_server_internal

struct HttpsServer::Impl {
  Impl(core::ServerConfig config, Router router, std::shared_ptr<MetricsRegistry> metrics,
       TlsCertificateFiles tls_files, HttpsServerOptions server_options)
      : options(server_options),
        tls(std::move(tls_files)),
        file_system(options.file_system ? *options.file_system : core::RealFileSystem::Instance()),
        state(std::make_shared<EdgeState>(
            std::move(config), std::move(router),
            metrics ? std::move(metrics) : std::make_shared<MetricsRegistry>(),
            options.clock ? *options.clock : core::SystemClock::Instance(),
            options.logger ? *options.logger : core::Log(), options.max_tracked_clients,
            options.max_metrics_connections)) {
    state->blocked_sources = options.blocked_sources;
  }

  core::Result<std::shared_ptr<net::ssl::context>> LoadTls() {
    auto native = LoadServerTlsContext(file_system, tls.certificate_path, tls.private_key_path,
                                       ticket_keys, options.ticket_key_rotation);
    if (!native) return core::Unexpected(native.error());
    // Asio takes ownership of the SSL_CTX.
    return std::make_shared<net::ssl::context>(native->release());
  }

  std::shared_ptr<net::ssl::context> CurrentTls() {
    std::lock_guard lock(tls_mutex);
    return tls_context;
  }

  core::Result<void> AddListener(ListenerRole role, const std::string& host, int port) {
    auto listener = std::make_shared<https_server_internal::Listener>(
        *io, role, state, [this] { return CurrentTls(); });
    if (auto bound = listener->Bind(host, port); !bound) return bound;
    listeners.push_back(listener);
    return {};
  }

  void ScheduleTicketRotation() {
    rotation_timer->expires_after(options.ticket_key_rotation);
    rotation_timer->async_wait([this](boost::system::error_code error) {
      if (error) return;
      ticket_keys.Rotate();
      ScheduleTicketRotation();
    });
  }

  const HttpsServerOptions options;
  const TlsCertificateFiles tls;
  core::FileSystem& file_system;
  // The ticket keys outlive every TLS context (contexts point at them), and the
  // shared state outlives the io_contexts whose handlers refer to it.
  TicketKeyRing ticket_keys;
  const std::shared_ptr<EdgeState> state;
  std::mutex tls_mutex;
  std::shared_ptr<net::ssl::context> tls_context;
  std::unique_ptr<IoContextPool> io;
  std::vector<std::shared_ptr<https_server_internal::Listener>> listeners;
  std::unique_ptr<net::steady_timer> rotation_timer;
  int https_port = 0;
  int http_port = 0;
  int metrics_port = 0;
  bool started = false;
  bool stopped = false;
};

HttpsServer::HttpsServer(core::ServerConfig config, Router router,
                         std::shared_ptr<MetricsRegistry> metrics, TlsCertificateFiles tls,
                         HttpsServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(router), std::move(metrics),
                                   std::move(tls), options)) {}

HttpsServer::~HttpsServer() { Stop(); }

core::Result<void> HttpsServer::Start() {
  Impl& impl = *impl_;
  if (impl.started) return core::Fail(ErrorCode::kInvalidArgument, "the server was already started");
  const core::ServerConfig& config = impl.state->config;
  if (config.metrics_port != 0 || impl.options.any_free_port_for_zero) {
    auto address = core::IpAddress::Parse(config.metrics_listen);
    if (!address || !IsLoopback(*address)) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        "metrics_listen must be a loopback address, not \"" + config.metrics_listen + "\"");
    }
  }
  auto tls_context = impl.LoadTls();
  if (!tls_context) return core::Unexpected(tls_context.error());
  impl.tls_context = std::move(*tls_context);

  unsigned threads = config.io_threads > 0 ? static_cast<unsigned>(config.io_threads)
                                           : std::max(1u, std::thread::hardware_concurrency());
  impl.io = std::make_unique<IoContextPool>(threads);
  const bool redirect_on = config.http_port != 0 || impl.options.any_free_port_for_zero;
  const bool metrics_on = config.metrics_port != 0 || impl.options.any_free_port_for_zero;
  auto bind_all = [&]() -> core::Result<void> {
    if (auto bound = impl.AddListener(ListenerRole::kApplication, config.listen, config.https_port); !bound) return bound;
    if (redirect_on) {
      if (auto bound = impl.AddListener(ListenerRole::kRedirect, config.listen, config.http_port); !bound) return bound;
    }
    if (metrics_on) {
      if (auto bound = impl.AddListener(ListenerRole::kMetrics, config.metrics_listen, config.metrics_port); !bound) return bound;
    }
    return {};
  };
  if (auto bound = bind_all(); !bound) {
    impl.listeners.clear();
    impl.io.reset();
    return bound;
  }
  std::size_t next = 0;
  impl.https_port = impl.listeners[next++]->port();
  if (redirect_on) impl.http_port = impl.listeners[next++]->port();
  if (metrics_on) impl.metrics_port = impl.listeners[next++]->port();
  impl.state->https_port = impl.https_port;

  impl.started = true;
  for (auto& listener : impl.listeners) listener->StartAccepting();
  impl.rotation_timer = std::make_unique<net::steady_timer>(net::make_strand(impl.io->First()));
  impl.ScheduleTicketRotation();
  impl.io->Start([state = impl.state](const std::exception& error) {
    state->logger.Error("I/O thread caught an exception", {{"error", error.what()}});
  });
  impl.state->logger.Info("https edge listening",
                          {{"listen", config.listen}, {"https_port", impl.https_port},
                           {"http_port", impl.http_port}, {"metrics_port", impl.metrics_port},
                           {"io_threads", threads}});
  return {};
}

void HttpsServer::Stop() {
  Impl& impl = *impl_;
  if (!impl.started || impl.stopped) return;
  impl.stopped = true;
  impl.state->stopping = true;
  for (auto& listener : impl.listeners) listener->StopAccepting();
  net::post(impl.rotation_timer->get_executor(), [&impl] { impl.rotation_timer->cancel(); });
  impl.state->connections.BeginShutdownAll();
  if (!impl.state->connections.WaitUntilEmpty(impl.options.drain_timeout)) {
    impl.state->logger.Warn("closing connections still open after the drain timeout",
                            {{"open", impl.state->connections.size()}});
  }
  {
    // From here a Responder on a worker thread no longer posts anywhere.
    std::lock_guard lock(impl.state->responder_gate->mutex);
    impl.state->responder_gate->open = false;
  }
  impl.io->StopAndJoin();
  impl.listeners.clear();
  impl.rotation_timer.reset();
  // Destroys the handlers never run, and with them the last connections.
  impl.io.reset();
  impl.state->logger.Info("https edge stopped");
}

core::Result<void> HttpsServer::ReloadTls() {
  auto fresh = impl_->LoadTls();
  if (!fresh) {
    impl_->state->logger.Error("TLS reload failed; keeping the current certificate",
                               {{"error", fresh.error().message}});
    return core::Unexpected(fresh.error());
  }
  {
    std::lock_guard lock(impl_->tls_mutex);
    impl_->tls_context = std::move(*fresh);
  }
  impl_->state->logger.Info("TLS certificate reloaded", {{"certificate", impl_->tls.certificate_path}});
  return {};
}

int HttpsServer::https_port() const { return impl_->https_port; }
int HttpsServer::http_port() const { return impl_->http_port; }
int HttpsServer::metrics_port() const { return impl_->metrics_port; }
MetricsRegistry& HttpsServer::metrics() { return *impl_->state->metrics; }

}  // namespace citadel::http
