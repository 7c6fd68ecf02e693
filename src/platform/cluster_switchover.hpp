// A planned switchover that clients do not notice (`citadel cluster
// switchover`, docs/ha.md):
//
//   1. check: a running leader, and a candidate (--to, or the synchronous
//      standby, or any streaming replica) running and not itself the leader;
//   2. drain: if a `citadel serve` uses this data directory, ask it to pause
//      new transactions and drain its connections (switchover_drain.hpp) and
//      wait for its acknowledgement (`drain_timeout`; none: nothing is
//      switched, the server resumes, an error says why);
//   3. switch: POST /switchover to the leader's Patroni (with the REST
//      password), then wait until Patroni reports the candidate as the
//      running leader and it accepts a read-write connection;
//   4. resume: remove the request; the server resumes on the new primary.
//
// The server's pause is bounded by the request's deadline (drain + switch
// timeouts), so a CLI that dies mid-way leaves no server paused for long.
// Called from one thread; blocks for the whole switchover.
#pragma once

#include <chrono>
#include <string>

#include "core/result.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct SwitchoverOptions {
  std::string candidate;  // empty: the synchronous standby, else a streaming replica
  bool server_running = false;  // a `citadel serve` holds this data directory
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds switch_timeout{60000};
};

struct SwitchoverReport {
  std::string from;
  std::string to;
  bool drained_server = false;
  std::chrono::milliseconds drain_time{0};   // request to acknowledgement
  std::chrono::milliseconds switch_time{0};  // POST to a writable new primary
  std::chrono::milliseconds paused_time{0};  // request to resume: what clients waited at most
};

core::Result<SwitchoverReport> RunSwitchover(const ClusterTopology& topology,
                                             const ClusterCredentials& credentials,
                                             const SwitchoverOptions& options);

}  // namespace citadel::platform
