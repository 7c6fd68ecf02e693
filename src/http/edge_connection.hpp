// Starting a connection on an accepted socket: the HTTPS application
// listener, or one of the plain-HTTP listeners (redirect, metrics). Internal
// to the http layer; the connection itself lives in edge_connection.cpp, the
// one translation unit that instantiates Beast's HTTP and TLS streams.
//
// Ownership: the connection owns the socket and its limiter slot, and keeps
// the EdgeState and the TLS context it started with alive until it closes
// (a TLS reload affects new connections only). Threads: call from any thread;
// the connection runs on a strand of its own, taken from the socket's executor.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "core/ip_network.hpp"
#include "http/connection_limiter.hpp"
#include "http/edge_state.hpp"

namespace citadel::http {

enum class ListenerRole { kApplication, kRedirect, kMetrics };

void StartTlsConnection(boost::asio::ip::tcp::socket socket,
                        std::shared_ptr<boost::asio::ssl::context> tls_context,
                        const core::IpAddress& peer, ConnectionLimiter::Slot slot,
                        std::shared_ptr<EdgeState> state);

// `role` is kRedirect or kMetrics.
void StartPlainConnection(boost::asio::ip::tcp::socket socket, ListenerRole role,
                          const core::IpAddress& peer, ConnectionLimiter::Slot slot,
                          std::shared_ptr<EdgeState> state);

}  // namespace citadel::http
