// Starting other programs (initdb, postgres, useradd) without a shell.
//
// Why: a command line built as a string and run by a shell would let a path
// with a quote or a semicolon become a command. Here the program gets an argv
// vector through execve, a fixed small environment, and, when we are root and
// it is asked for, a dropped identity (setgroups, setgid, setuid) before exec.
// Inherited descriptors are closed at exec, so PostgreSQL never holds
// Citadel's sockets. A failed exec is reported to the caller, not lost.
//
// Functions are thread-safe: between fork and exec the child calls only
// async-signal-safe functions, everything else is prepared before fork.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "core/result.hpp"
#include "db/service_user.hpp"

namespace citadel::db {

struct ChildSpec {
  std::vector<std::string> argv;      // argv[0] is the absolute path to execute
  std::vector<std::string> env;       // the whole environment ("KEY=value")
  std::optional<ServiceUser> run_as;  // drop to this user first (only if it is not us)
  std::string output_path;            // stdout+stderr appended here; empty: /dev/null
  std::string working_dir;            // empty: unchanged
  bool new_process_group = false;     // so a terminal's Ctrl-C reaches only Citadel
  // Descriptors of ours that become the child's stdin / stdout / stderr
  // (pipes of a streaming pg_dump or pg_restore); -1: /dev/null for stdin,
  // `output_path` for stdout and stderr.
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// Starts the program; returns its pid. The caller must reap it (waitpid).
core::Result<pid_t> SpawnChild(const ChildSpec& spec);

// Starts the program and waits for it; returns its exit status. A program
// still running after `timeout` is killed and kTimeout returned.
core::Result<int> RunChild(const ChildSpec& spec, std::chrono::milliseconds timeout);

// Waits up to `timeout` for a child of ours to exit (reaping it); returns
// its wait status, or nullopt if it is still running.
std::optional<int> WaitChild(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace citadel::db
