// Finding a PostgreSQL postmaster left behind by an earlier Citadel.
//
// Why: after a `kill -9` of Citadel its postmaster keeps running, orphaned,
// holding the data directory. The next start must recognise it as ours (its
// pid from postmaster.pid is alive, its executable is `postgres`, and its
// working directory is our data directory: the postmaster chdirs there),
// stop it cleanly and start a supervised one. A pid that was reused by an
// unrelated process must not be signalled.
//
// Reads /proc; pure and thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>

namespace citadel::db {

// The pid on the first line of a PostgreSQL lock file, if it exists.
std::optional<pid_t> ReadPidFile(const std::string& path);
// The same for <pgdata>/postmaster.pid.
std::optional<pid_t> ReadPostmasterPid(const std::string& pgdata);

// Exists and is not a zombie.
bool ProcessAlive(pid_t pid);

enum class PostmasterMatch {
  kOurs,     // a live postgres serving `pgdata`
  kNotOurs,  // dead, or certainly another program or data directory
  kUnknown,  // alive but /proc could not tell (permission): leave it alone
};
PostmasterMatch MatchPostmaster(pid_t pid, const std::string& pgdata);

// Sends `signal` and waits up to `timeout` for the process to be gone (it is
// not our child, so it is polled, not reaped). True if it is gone.
bool SignalAndWaitGone(pid_t pid, int signal, std::chrono::milliseconds timeout);

}  // namespace citadel::db
