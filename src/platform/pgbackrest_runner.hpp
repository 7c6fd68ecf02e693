// Runs pgBackRest's commands for a high-availability cluster as the service
// user (db/child_process.hpp: argv, no shell, a fixed environment) and
// returns what they printed; and the pieces `citadel cluster run` and
// `citadel cluster status` need: creating the stanza, taking a backup,
// reading `info` (the repositories' backups and archived WAL range).
//
// Every run is bounded by its timeout (killed past it). Output is kept to
// 64 KiB. Free functions; thread-safe (each run has its own output file).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "db/service_user.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

struct PgBackRestOutcome {
  int exit_code = 0;
  std::string output;  // stdout and stderr, at most 64 KiB
};

core::Result<PgBackRestOutcome> RunPgBackRest(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& options,
                                              const std::string& command,
                                              std::chrono::milliseconds timeout);

// Same, but a non-zero exit is an error quoting the output's last line.
core::Result<std::string> RunPgBackRestOrFail(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& options,
                                              const std::string& command,
                                              std::chrono::milliseconds timeout);

struct RepositoryBackup {
  std::string label;
  std::string type;  // full, diff, incr
  long long stopped_at = 0;  // unix seconds
};

struct RepositoryInfo {
  int repo = 0;
  std::string status;  // "ok", or pgBackRest's message
  std::vector<RepositoryBackup> backups;
  std::string archive_min;  // oldest and newest WAL segment held
  std::string archive_max;
};

// Parses `pgbackrest info --output=json` for the cluster's stanza.
core::Result<std::vector<RepositoryInfo>> ParsePgBackRestInfo(const std::string& json,
                                                              const std::string& stanza);

}  // namespace citadel::platform
