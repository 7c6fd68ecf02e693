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

// With a repository host (topology.Repo2IsRemote()): runs `remote_command`
// there through the cmd-ssh wrapper, as the service user; a non-zero exit is
// an error quoting the output's last line.
core::Result<std::string> RunOnRepoHostOrFail(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& remote_command,
                                              std::chrono::milliseconds timeout);

// `cluster init --ha`'s check of a configured repository host: the key and
// known_hosts exist, and `<repo2_host_cmd> version` over SSH, as the service
// user, prints this host's pgBackRest version. Errors say why: the host key
// not pinned, authentication refused, host unreachable, pgbackrest missing or
// of another version.
core::Result<void> CheckRepoHost(const ClusterTopology& topology, const db::ServiceUser& user,
                                 std::chrono::milliseconds timeout);
// The reason CheckRepoHost gives for what ssh printed ("" when fine); pure.
std::string ExplainRepoHostCheck(const RepoHostPlan& host, int exit_code, const std::string& output,
                                 const std::string& local_version);

struct RepositoryBackup {
  std::string label;
  std::string type;  // full, diff, incr
  long long stopped_at = 0;  // unix seconds
};

struct RepositoryInfo {
  int repo = 0;
  std::string kind;      // "local" or "ssh" (repo-host mode); set by the caller
  std::string location;  // the path, or user@host:port:path
  std::string status;  // "ok", or pgBackRest's message
  std::vector<RepositoryBackup> backups;
  std::string archive_min;  // oldest and newest WAL segment held
  std::string archive_max;
};

// `pgbackrest info` of each repository in `repos`, read where it can be: a
// remote repo2 on its repository host (see the .cpp), the others here.
core::Result<std::vector<RepositoryInfo>> ReadRepositories(const ClusterTopology& topology,
                                                           const db::ServiceUser& user,
                                                           const std::vector<int>& repos,
                                                           std::chrono::milliseconds timeout);

// Parses `pgbackrest info --output=json` for the cluster's stanza.
core::Result<std::vector<RepositoryInfo>> ParsePgBackRestInfo(const std::string& json,
                                                              const std::string& stanza);

}  // namespace citadel::platform
