// Starting the programs a test harness needs (sshd, ssh-keygen) without a
// shell: an argv vector through execve, a fixed small environment, output
// appended to a log file, and no descriptor of the test inherited. Kept in
// testing/ so the backup layer does not borrow the database layer's
// launcher (db/child_process.hpp) for its tests.
//
// Processes are found and signalled by pid only, never by name, so a test
// never touches another program on the machine.
//
// Thread-safe: between fork and exec the child only makes system calls;
// everything else is prepared before fork.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace citadel::backup::testing {

struct TestProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the absolute path to execute
  std::string log_path;           // stdout and stderr are appended here
  // Files the process writes are limited to this size; SIGXFSZ is ignored,
  // so a write past it fails with EFBIG instead of killing the process.
  std::optional<std::uint64_t> max_file_bytes;
};

// Starts the program; the caller reaps it (waitpid).
core::Result<pid_t> StartTestProcess(const TestProcessSpec& spec);

// Starts the program and waits for it; fails unless it exits with status 0.
core::Result<void> RunTestProcess(const TestProcessSpec& spec, std::chrono::milliseconds timeout);

// The pids of every living process below `root` in the process tree.
std::vector<pid_t> DescendantsOf(pid_t root);

// Waits until none of `pids` runs any more (gone, or a zombie: its files and
// sockets are closed either way); false if one still runs after `timeout`.
bool WaitUntilEnded(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout);

}  // namespace citadel::backup::testing
