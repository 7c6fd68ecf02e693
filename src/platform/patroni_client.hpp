// Reads a high-availability cluster's state from Patroni's REST API
// (`GET /cluster` on any member: every member's name, role, state, timeline
// and lag), and small plain-HTTP GETs of our own loopback services (etcd's
// /health). Plain HTTP: these listeners are on the cluster's own address
// (loopback in this slice); TLS for members on other hosts is left for later
// (docs/ha.md).
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

// GET http://address:port/target; the body of a 200 answer.
core::Result<std::string> HttpGet(const std::string& address, int port, const std::string& target,
                                  std::chrono::milliseconds timeout);

// POST http://address:port/target with a JSON body and HTTP Basic
// credentials (Patroni's restapi.authentication); the status and body of
// whatever answer came. Fails only when no answer came.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
core::Result<HttpAnswer> HttpPostJson(const std::string& address, int port, const std::string& target,
                                      const std::string& json_body, const std::string& user,
                                      const std::string& password, std::chrono::milliseconds timeout);

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
