// Reads a high-availability cluster's state from Patroni's REST API
// (`GET /cluster` on any member: every member's name, role, state, timeline
// and lag), and small HTTP exchanges with the cluster's own services (etcd's
// /health and v3 gateway). With the cluster's TLS on ([cluster] tls), HTTPS:
// the server's certificate is verified against the cluster CA and must name
// the address dialled.
//
// Every call is bounded: a deadline on the whole exchange, a 1 MiB body.
// Free functions; thread-safe (each call has its own io_context).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

// HTTPS instead of HTTP: the CA that must have signed the server's
// certificate, and optionally our own certificate and key (PEM files).
struct HttpsFiles {
  std::string ca_file;
  std::string cert_file;  // empty: no client certificate
  std::string key_file;
};
using HttpTls = std::optional<HttpsFiles>;  // nullopt: plain HTTP

// For Patroni's REST API and etcd (the cluster CA; no client certificate:
// etcd's clients log in with a user and password); nullopt when the
// cluster's TLS is off.
HttpTls PatroniRestTls(const ClusterTopology& topology);
HttpTls EtcdClientTls(const ClusterTopology& topology);

// GET http(s)://address:port/target; the body of a 200 answer.
core::Result<std::string> HttpGet(const std::string& address, int port, const std::string& target,
                                  std::chrono::milliseconds timeout, const HttpTls& tls = std::nullopt);

// POST http(s)://address:port/target with a JSON body and HTTP Basic
// credentials (Patroni's restapi.authentication); the status and body of
// whatever answer came. Fails only when no answer came.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
core::Result<HttpAnswer> HttpPostJson(const std::string& address, int port, const std::string& target,
                                      const std::string& json_body, const std::string& user,
                                      const std::string& password, std::chrono::milliseconds timeout,
                                      const HttpTls& tls = std::nullopt);

// POST with a JSON body and, if not empty, an Authorization header as is
// (etcd's v3 gateway takes its token so); the status and body of whatever
// answer came.
core::Result<HttpAnswer> HttpPostJsonWithToken(const std::string& address, int port,
                                               const std::string& target, const std::string& json_body,
                                               const std::string& token,
                                               std::chrono::milliseconds timeout, const HttpTls& tls);

struct PatroniMember {
  std::string name;
  std::string role;   // leader, replica, sync_standby (Patroni's words)
  std::string state;  // running, starting, stopped, ...
  std::string host;
  int port = 0;
  std::optional<long long> timeline;
  std::optional<long long> lag_bytes;  // Patroni's view of replay lag; nullopt: unknown / leader
};

struct PatroniClusterView {
  std::string answered_by;  // the member whose REST API answered
  std::vector<PatroniMember> members;
};

// Parses Patroni's /cluster JSON; kInvalidArgument if it is not that.
core::Result<PatroniClusterView> ParsePatroniCluster(const std::string& body);

// Asks each member's REST API in turn; the first answer wins.
core::Result<PatroniClusterView> FetchPatroniCluster(const ClusterTopology& topology,
                                                     std::chrono::milliseconds timeout_per_member);

}  // namespace citadel::platform
