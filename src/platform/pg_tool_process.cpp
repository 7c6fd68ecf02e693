#include "platform/pg_tool_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <utility>

#include "db/child_process.hpp"
#include "db/conninfo.hpp"

namespace citadel::platform {
namespace {

// See ReadInto.
constexpr std::size_t kShortRead = 256 << 10;
constexpr useconds_t kShortReadPauseMicroseconds = 3000;
// See Write.
constexpr useconds_t kFullPipePauseMicroseconds = 3000;

using core::ErrorCode;
using core::Fail;

constexpr std::size_t kStderrTailBytes = 2000;

}  // namespace

core::Result<PgToolProcess> PgToolProcess::Start(const std::string& program, const std::string& dsn,
                                                 const std::vector<std::string>& arguments, Stream stream) {
  auto info = db::ParseConnInfo(dsn);
  if (!info) return core::Unexpected(info.error());
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "PGTZ=UTC"};
  db::ConnInfo without_password;
  for (auto& [key, value] : *info) {
    if (key == "password") {
      env.push_back("PGPASSWORD=" + value);
    } else {
      without_password.emplace_back(key, value);
    }
  }
  db::ChildSpec spec;
  spec.argv = {program, "--dbname=" + db::FormatConnInfo(without_password)};
  spec.argv.insert(spec.argv.end(), arguments.begin(), arguments.end());
  spec.env = std::move(env);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return Fail(ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  int stderr_fd = ::open(std::filesystem::temp_directory_path().c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (stderr_fd < 0) {
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return Fail(ErrorCode::kIo, std::string("cannot make a temporary file: ") + std::strerror(errno));
  }
  // 1 MiB instead of 64 KiB: the program runs that far ahead of us (the
  // system's pipe-max-size; failing to grow it only costs overlap).
  (void)::fcntl(pipe_fds[0], F_SETPIPE_SZ, 1 << 20);
  int ours = stream == Stream::kReadStdout ? pipe_fds[0] : pipe_fds[1];
  int theirs = stream == Stream::kReadStdout ? pipe_fds[1] : pipe_fds[0];
  if (stream == Stream::kReadStdout) {
    spec.stdout_fd = theirs;
  } else {
    spec.stdin_fd = theirs;
  }
  spec.stderr_fd = stderr_fd;
  auto pid = db::SpawnChild(spec);
  ::close(theirs);
  if (!pid) {
    ::close(ours);
    ::close(stderr_fd);
    return core::Unexpected(pid.error());
  }
  // Our end of a pg_restore's input does not block: see Write.
  if (stream == Stream::kWriteStdin) (void)::fcntl(ours, F_SETFL, ::fcntl(ours, F_GETFL) | O_NONBLOCK);
  // A restore that dies must not kill us with SIGPIPE: writes then fail with
  // EPIPE (serve ignores SIGPIPE already; the CLI may not).
  ::signal(SIGPIPE, SIG_IGN);
  return PgToolProcess(*pid, ours, stderr_fd, std::filesystem::path(program).filename().string());
}

PgToolProcess::PgToolProcess(pid_t pid, int pipe_fd, int stderr_fd, std::string name)
    : pid_(pid), pipe_fd_(pipe_fd), stderr_fd_(stderr_fd), name_(std::move(name)) {}

PgToolProcess::PgToolProcess(PgToolProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pipe_fd_(std::exchange(other.pipe_fd_, -1)),
      stderr_fd_(std::exchange(other.stderr_fd_, -1)),
      name_(std::move(other.name_)) {}

PgToolProcess::~PgToolProcess() {
  if (pipe_fd_ >= 0) ::close(pipe_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (stderr_fd_ >= 0) ::close(stderr_fd_);
}

core::Result<std::string> PgToolProcess::Read(std::size_t max_bytes) {
  std::string buffer(max_bytes, '\0');
  auto read = ReadInto(buffer);
  if (!read) return core::Unexpected(read.error());
  buffer.resize(read->size());
  return buffer;
}

core::Result<std::string_view> PgToolProcess::ReadInto(std::string& buffer) {
  while (true) {
    ssize_t n = ::read(pipe_fd_, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(ErrorCode::kIo, "reading from " + name_ + ": " + std::strerror(errno));
    // pg_dump writes its output 4 KiB at a time. A reader that keeps up gets
    // one short read per write, and each write wakes it: 150,000 reads and as
    // many wake-ups of both processes per GiB dumped, which on this kind of
    // virtual machine (every wake-up goes through the hypervisor) cost more
    // CPU than the copying. After a short read, pausing lets the pipe (1 MiB)
    // fill a while, without waking anyone; pg_dump never waits on a full
    // pipe unless it outruns 300 MB/s, and then reads are full and nobody
    // pauses. A small dump costs a few milliseconds more.
    const auto got = static_cast<std::size_t>(n);
    if (got > 0 && got < kShortRead && got < buffer.size()) ::usleep(kShortReadPauseMicroseconds);
    return std::string_view(buffer.data(), got);
  }
}

core::Result<void> PgToolProcess::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(pipe_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    // pg_restore reads its input 4 KiB at a time. A writer blocked on the
    // full pipe is woken by each of those reads to write 4 KiB more: 250,000
    // wake-ups of both processes per GiB restored. Sleeping while the pipe
    // is full instead lets pg_restore drain a good part of it (1 MiB) without
    // waking anyone; the pipe runs dry only if pg_restore reads faster than
    // 300 MB/s.
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      ::usleep(kFullPipePauseMicroseconds);
      continue;
    }
    if (n < 0) {
      return Fail(ErrorCode::kIo, name_ + " stopped reading (" + std::strerror(errno) + "): " + StderrTail());
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::string PgToolProcess::StderrTail() const {
  off_t size = ::lseek(stderr_fd_, 0, SEEK_END);
  if (size <= 0) return "no message";
  off_t from = size > static_cast<off_t>(kStderrTailBytes) ? size - static_cast<off_t>(kStderrTailBytes) : 0;
  std::string tail(static_cast<std::size_t>(size - from), '\0');
  ssize_t n = ::pread(stderr_fd_, tail.data(), tail.size(), from);
  tail.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail;
}

core::Result<void> PgToolProcess::Finish(std::chrono::milliseconds timeout) {
  if (pipe_fd_ >= 0) {
    ::close(pipe_fd_);
    pipe_fd_ = -1;
  }
  auto status = db::WaitChild(pid_, timeout);
  if (!status) {
    ::kill(pid_, SIGKILL);
    int ignored = 0;
    ::waitpid(pid_, &ignored, 0);
    pid_ = -1;
    return Fail(ErrorCode::kTimeout, name_ + " did not finish in time and was stopped");
  }
  pid_ = -1;
  if (WIFEXITED(*status) && WEXITSTATUS(*status) == 0) return {};
  std::string how = WIFEXITED(*status) ? "exited with status " + std::to_string(WEXITSTATUS(*status))
                                       : "was killed by signal " + std::to_string(WTERMSIG(*status));
  return Fail(ErrorCode::kInternal, name_ + " " + how + ": " + StderrTail());
}

}  // namespace citadel::platform
