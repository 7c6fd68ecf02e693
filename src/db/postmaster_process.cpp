#include "db/postmaster_process.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace citadel::db {

std::optional<pid_t> ReadPostmasterPid(const std::string& pgdata) {
  return ReadPidFile(pgdata + "/postmaster.pid");
}

std::optional<pid_t> ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool ProcessAlive(pid_t pid) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // "pid (comm) S ...": the state follows the last ')' (comm may hold spaces).
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  const char state = line[close + 2];
  return state != 'Z' && state != 'X';
}

PostmasterMatch MatchPostmaster(pid_t pid, const std::string& pgdata) {
  if (!ProcessAlive(pid)) return PostmasterMatch::kNotOurs;
  namespace fs = std::filesystem;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::error_code ec;
  const fs::path exe = fs::read_symlink(proc + "/exe", ec);
  if (ec) return ec == std::errc::permission_denied ? PostmasterMatch::kUnknown
                                                    : PostmasterMatch::kNotOurs;
  const std::string name = exe.filename().string();
  if (name != "postgres" && name != "postmaster") return PostmasterMatch::kNotOurs;
  const fs::path cwd = fs::read_symlink(proc + "/cwd", ec);
  if (ec) return PostmasterMatch::kUnknown;
  const fs::path ours = fs::weakly_canonical(pgdata, ec);
  if (ec) return PostmasterMatch::kUnknown;
  return cwd == ours ? PostmasterMatch::kOurs : PostmasterMatch::kNotOurs;
}

bool SignalAndWaitGone(pid_t pid, int signal, std::chrono::milliseconds timeout) {
  if (::kill(pid, signal) != 0 && errno == ESRCH) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!ProcessAlive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return !ProcessAlive(pid);
}

}  // namespace citadel::db
