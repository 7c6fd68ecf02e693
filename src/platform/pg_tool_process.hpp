// pg_dump and pg_restore as streams: the program runs with its stdout (a
// dump) or its stdin (a restore) on a pipe that Citadel reads or writes, so
// a dump goes from PostgreSQL to the backup sites without touching a local
// disk in clear. Its stderr goes to an anonymous temporary file, whose tail
// becomes the error message when the program fails.
//
// The connection string is passed without its password (the password goes
// in PGPASSWORD, which only the same user can read from /proc), so `ps`
// never shows a secret. One object per run, used from one thread; the
// destructor kills and reaps a program still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace citadel::platform {

class PgToolProcess {
 public:
  enum class Stream { kReadStdout, kWriteStdin };

  // `program` is an absolute path (pg_bin_dir/pg_dump); `dsn` a libpq
  // connection string (its password is moved to the environment);
  // `arguments` follow `--dbname=<dsn without password>`.
  static core::Result<PgToolProcess> Start(const std::string& program, const std::string& dsn,
                                           const std::vector<std::string>& arguments, Stream stream);
  PgToolProcess(PgToolProcess&& other) noexcept;
  PgToolProcess& operator=(PgToolProcess&&) = delete;
  PgToolProcess(const PgToolProcess&) = delete;
  ~PgToolProcess();

  // kReadStdout: up to `max_bytes` of output; empty at the end.
  core::Result<std::string> Read(std::size_t max_bytes);
  // kReadStdout: up to buffer.size() bytes of output into `buffer`, which a
  // loop reuses (a pipe read returns what is there, often a few KiB: a
  // fresh zeroed 1 MiB string per read cost a backup ~0.8 s of CPU in
  // memset); the view is of `buffer`, empty at the end.
  core::Result<std::string_view> ReadInto(std::string& buffer);
  // kWriteStdin: all of `bytes` (blocks while the program is busy).
  core::Result<void> Write(std::string_view bytes);
  // Closes our end of the pipe (the program sees end of input or, for a
  // dump, SIGPIPE if it was still writing), waits up to `timeout`, and fails
  // with the program's last stderr lines unless it exited with status 0.
  core::Result<void> Finish(std::chrono::milliseconds timeout);

 private:
  PgToolProcess(pid_t pid, int pipe_fd, int stderr_fd, std::string name);
  std::string StderrTail() const;
  pid_t pid_ = -1;
  int pipe_fd_ = -1;
  int stderr_fd_ = -1;
  std::string name_;
};

}  // namespace citadel::platform
