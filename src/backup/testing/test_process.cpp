#include "backup/testing/test_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace citadel::backup::testing {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr const char* kEnvironment[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", nullptr};

// The child's half: only system calls, then exec or _exit.
[[noreturn]] void BecomeProgram(char* const* argv, int stdin_fd, int log_fd,
                                const std::optional<std::uint64_t>& max_file_bytes) {
  ::dup2(stdin_fd, STDIN_FILENO);
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (max_file_bytes) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGXFSZ, &ignore, nullptr);
    rlimit limit{*max_file_bytes, *max_file_bytes};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
  }
  ::close_range(3, ~0U, 0);
  ::execve(argv[0], argv, const_cast<char* const*>(kEnvironment));
  ::_exit(127);
}

}  // namespace

core::Result<pid_t> StartTestProcess(const TestProcessSpec& spec) {
  if (spec.argv.empty() || spec.argv.front().front() != '/') {
    return Fail(ErrorCode::kInvalidArgument, "a test process needs an absolute program path");
  }
  std::vector<char*> argv;
  for (const auto& argument : spec.argv) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  int stdin_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int log_fd = ::open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (stdin_fd < 0 || log_fd < 0) {
    int error = errno;
    if (stdin_fd >= 0) ::close(stdin_fd);
    if (log_fd >= 0) ::close(log_fd);
    return Fail(ErrorCode::kIo, "cannot open " + spec.log_path + ": " + std::strerror(error));
  }
  pid_t pid = ::fork();
  if (pid == 0) BecomeProgram(argv.data(), stdin_fd, log_fd, spec.max_file_bytes);
  int error = errno;
  ::close(stdin_fd);
  ::close(log_fd);
  if (pid < 0) return Fail(ErrorCode::kIo, std::string("fork failed: ") + std::strerror(error));
  return pid;
}

core::Result<void> RunTestProcess(const TestProcessSpec& spec, std::chrono::milliseconds timeout) {
  auto pid = StartTestProcess(spec);
  if (!pid) return core::Unexpected(pid.error());
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(*pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(*pid, SIGKILL);
      ::waitpid(*pid, &status, 0);
      return Fail(ErrorCode::kTimeout, spec.argv.front() + " did not finish in time");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(ErrorCode::kIo, spec.argv.front() + " failed (wait status " +
                                    std::to_string(status) + "); see " + spec.log_path);
  }
  return {};
}

namespace {

// The state letter of /proc/<pid>/stat, or 0 when there is no such process.
char ProcessState(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '\0';
  std::size_t close = line.rfind(')');
  return close == std::string::npos || close + 2 >= line.size() ? '\0' : line[close + 2];
}

}  // namespace

bool WaitUntilEnded(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (pid_t pid : pids) {
    while (true) {
      char state = ProcessState(pid);
      if (state == '\0' || state == 'Z' || state == 'X') break;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  return true;
}

std::vector<pid_t> DescendantsOf(pid_t root) {
  std::multimap<pid_t, pid_t> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    pid_t parent = 0;
    if (rest >> state >> parent) children.emplace(parent, static_cast<pid_t>(std::stol(name)));
  }
  std::vector<pid_t> found;
  std::vector<pid_t> pending{root};
  while (!pending.empty()) {
    pid_t next = pending.back();
    pending.pop_back();
    auto [begin, end] = children.equal_range(next);
    for (auto it = begin; it != end; ++it) {
      found.push_back(it->second);
      pending.push_back(it->second);
    }
  }
  return found;
}

}  // namespace citadel::backup::testing
