#include "db/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace citadel::db {
namespace {

// What failed in the child before exec, sent back through a CLOEXEC pipe.
struct ChildFailure {
  int stage;
  int err;
};

const char* StageName(int stage) {
  switch (stage) {
    case 1: return "dropping privileges";
    case 2: return "opening the output file";
    case 3: return "changing directory";
    default: return "executing";
  }
}

[[noreturn]] void ChildFail(int fd, int stage) {
  ChildFailure f{stage, errno};
  [[maybe_unused]] ssize_t n = ::write(fd, &f, sizeof f);
  ::_exit(127);
}

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

core::Result<pid_t> SpawnChild(const ChildSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty() || spec.argv[0][0] != '/') {
    return core::Fail(core::ErrorCode::kInvalidArgument, "a program needs an absolute path");
  }
  // Everything the child needs is built before fork: after fork in a threaded
  // process only async-signal-safe calls are allowed.
  std::vector<char*> argv = CStrings(spec.argv);
  std::vector<char*> envp = CStrings(spec.env);
  const std::string output = spec.output_path.empty() ? "/dev/null" : spec.output_path;
  const bool drop = spec.run_as.has_value() && !spec.run_as->is_self && ::geteuid() == 0;
  const uid_t uid = drop ? spec.run_as->uid : 0;
  const gid_t gid = drop ? spec.run_as->gid : 0;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return core::Fail(core::ErrorCode::kIo, std::string("pipe: ") + std::strerror(errno));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    return core::Fail(core::ErrorCode::kResourceExhausted, std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    const int fd = pipe_fds[1];
    if (spec.new_process_group) ::setpgid(0, 0);
    // Signal masks and ignored signals survive exec; Citadel blocks SIGINT
    // and SIGTERM to wait for them, PostgreSQL needs them delivered.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2}) {
      ::signal(sig, SIG_DFL);
    }
    if (drop) {
      if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ChildFail(fd, 1);
      if (::setuid(0) == 0) ChildFail(fd, 1);  // privileges must be gone for good
    }
    const int null_in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (out < 0 || null_in < 0) ChildFail(fd, 2);
    ::dup2(spec.stdin_fd >= 0 ? spec.stdin_fd : null_in, 0);
    ::dup2(spec.stdout_fd >= 0 ? spec.stdout_fd : out, 1);
    ::dup2(spec.stderr_fd >= 0 ? spec.stderr_fd : out, 2);
    if (!spec.working_dir.empty() && ::chdir(spec.working_dir.c_str()) != 0) ChildFail(fd, 3);
    // Every inherited descriptor (Citadel's sockets, files) closes at exec.
    ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    ::execve(argv[0], argv.data(), envp.data());
    ChildFail(fd, 4);
  }
  if (spec.new_process_group) ::setpgid(pid, pid);  // no race with the child's own call
  ::close(pipe_fds[1]);
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(pipe_fds[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(pipe_fds[0]);
  if (n == static_cast<ssize_t>(sizeof failure)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return core::Fail(core::ErrorCode::kInternal, std::string("cannot start ") + spec.argv[0] +
                                                       ": " + StageName(failure.stage) + ": " +
                                                       std::strerror(failure.err));
  }
  return pid;
}

std::optional<int> WaitChild(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return 0;  // not ours or already reaped: nothing to wait for
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

core::Result<int> RunChild(const ChildSpec& spec, std::chrono::milliseconds timeout) {
  auto pid = SpawnChild(spec);
  if (!pid) return core::Unexpected(pid.error());
  auto status = WaitChild(*pid, timeout);
  if (!status) {
    ::kill(*pid, SIGKILL);
    WaitChild(*pid, std::chrono::seconds(5));
    return core::Fail(core::ErrorCode::kTimeout,
                      spec.argv[0] + " did not finish within " +
                          std::to_string(timeout.count()) + " ms");
  }
  if (WIFEXITED(*status)) return WEXITSTATUS(*status);
  return 128 + (WIFSIGNALED(*status) ? WTERMSIG(*status) : 0);
}

}  // namespace citadel::db
