// The handshake between `citadel cluster switchover` (a separate process)
// and the `citadel serve` of the same data directory, through two small files
// in <data_dir>/ha (cluster_topology.hpp):
//
//   switchover-drain.json    written by the CLI: {"id", "until_ms"} — pause
//                            new transactions, drain, until the file goes or
//                            until_ms (wall clock, ms since the epoch) passes
//   switchover-drained.json  written by the server: {"id"} — paused, every
//                            pooled connection returned and the idle closed
//
// Why files: the CLI and the server already share this directory (the
// server reads the cluster's credentials there; one server per directory, by
// its lock), its permissions are the access control, and a CLI that dies
// mid-switchover leaves a request that expires by itself at until_ms. No
// listener, no token, no new protocol. Polled every 50 ms by the server.
//
// Free functions; thread-safe (each call reads or renames whole files).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct DrainRequest {
  std::string id;  // random, hex
  std::chrono::system_clock::time_point until;
};

std::string DrainRequestPath(const ClusterTopology& topology);
std::string DrainAckPath(const ClusterTopology& topology);

// A fresh id, `until` as given; written atomically (0600).
core::Result<DrainRequest> WriteDrainRequest(const ClusterTopology& topology,
                                             std::chrono::system_clock::time_point until);
// nullopt: no request, or a file that is not one (ignored, as if absent).
std::optional<DrainRequest> ReadDrainRequest(const ClusterTopology& topology);
// Removes the request and any acknowledgement; missing files are fine.
void RemoveDrainRequest(const ClusterTopology& topology);

core::Result<void> WriteDrainAck(const ClusterTopology& topology, const std::string& id);
// Whether the server acknowledged the request `id`.
bool DrainAcknowledged(const ClusterTopology& topology, const std::string& id);

}  // namespace citadel::platform
