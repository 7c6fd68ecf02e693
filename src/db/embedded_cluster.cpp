// EmbeddedCluster's process half: orphan handling, launch, supervision, stop.
#include "db/embedded_cluster.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db/child_process.hpp"
#include "db/postmaster_process.hpp"

namespace citadel::db {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);
constexpr auto kFirstRestartDelay = std::chrono::milliseconds(500);
constexpr auto kMaxRestartDelay = std::chrono::seconds(30);
// A postmaster that ran this long was healthy: its next crash restarts fast.
constexpr auto kHealthyRun = std::chrono::seconds(60);

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

// Stops a child of ours: fast shutdown, then immediate, then kill; reaps it.
void StopChild(pid_t pid, std::chrono::milliseconds timeout, core::Logger& logger) {
  ::kill(pid, SIGINT);
  if (WaitChild(pid, timeout)) return;
  logger.Warn("PostgreSQL did not stop in time; sending SIGQUIT", {{"pid", static_cast<int>(pid)}});
  ::kill(pid, SIGQUIT);
  if (WaitChild(pid, std::chrono::seconds(5))) return;
  ::kill(pid, SIGKILL);
  WaitChild(pid, std::chrono::seconds(5));
}

// A lock file (postmaster.pid, the socket's .lock) naming a live process
// that is not our postmaster (a reused pid, a zombie) would stop PostgreSQL
// from starting; one naming a vanished process PostgreSQL handles itself.
void ClearForeignLockFile(const std::string& path, const std::string& pgdata,
                          core::Logger& logger) {
  auto pid = ReadPidFile(path);
  if (!pid || ::kill(*pid, 0) != 0) return;
  if (MatchPostmaster(*pid, pgdata) == PostmasterMatch::kNotOurs) {
    logger.Warn("removing a stale PostgreSQL lock file", {{"path", path}});
    ::unlink(path.c_str());
  }
}

}  // namespace

EmbeddedClusterOptions EmbeddedClusterOptions::FromConfig(const core::ServerConfig& config) {
  EmbeddedClusterOptions o;
  o.data_dir = config.data_dir;
  o.pg_bin_dir = config.database.pg_bin_dir;
  o.max_connections = std::max(200, config.database.max_connections_total + 30);
  return o;
}

EmbeddedCluster::EmbeddedCluster(EmbeddedClusterOptions options, core::Logger& logger)
    : options_(std::move(options)), logger_(logger),
      // Absolute, because PostgreSQL reads relative paths in its settings
      // (the socket directory) relative to PGDATA, not to our directory.
      layout_(MakeClusterLayout(
          std::filesystem::absolute(options_.data_dir).lexically_normal().string(),
          options_.port)) {}

EmbeddedCluster::~EmbeddedCluster() { Stop(); }

pid_t EmbeddedCluster::PostmasterPid() const {
  std::lock_guard lock(mutex_);
  return pid_;
}

std::string EmbeddedCluster::SuperuserDsn(std::string_view dbname) const {
  return FormatConnInfo({{"host", layout_.socket_dir},
                         {"port", std::to_string(layout_.port)},
                         {"user", options_.superuser_role},
                         {"dbname", std::string(dbname)}});
}

std::shared_ptr<ClusterAccess> EmbeddedCluster::Access() const {
  return std::make_shared<LocalSocketClusterAccess>(layout_.socket_dir, layout_.port,
                                                    options_.superuser_role);
}

core::Result<StartReport> EmbeddedCluster::Start() {
  if (supervisor_.joinable()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "the embedded cluster is already started");
  }
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = false;
  }
  StartReport report;
  auto ran = Bootstrap();
  if (!ran) return core::Unexpected(ran.error());
  report.ran_initdb = *ran;
  report.stopped_orphan = StopOrphan();
  auto pid = Launch();
  if (!pid) return core::Unexpected(pid.error());
  report.postmaster_pid = *pid;
  supervisor_ = std::thread([this] { Supervise(); });
  logger_.Info("embedded PostgreSQL is running",
               {{"pid", static_cast<int>(*pid)}, {"socket_dir", layout_.socket_dir}});
  return report;
}

std::optional<pid_t> EmbeddedCluster::StopOrphan() {
  auto pid = ReadPostmasterPid(layout_.pgdata);
  if (pid && MatchPostmaster(*pid, layout_.pgdata) == PostmasterMatch::kOurs) {
    logger_.Warn("a PostgreSQL left running by an earlier Citadel holds the data directory; "
                 "stopping it to supervise a new one",
                 {{"pid", static_cast<int>(*pid)}});
    const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(options_.stop_timeout);
    if (!SignalAndWaitGone(*pid, SIGINT, timeout) &&
        !SignalAndWaitGone(*pid, SIGQUIT, std::chrono::seconds(5))) {
      SignalAndWaitGone(*pid, SIGKILL, std::chrono::seconds(5));
    }
    return pid;
  }
  ClearForeignLockFile(layout_.pgdata + "/postmaster.pid", layout_.pgdata, logger_);
  ClearForeignLockFile(layout_.SocketPath() + ".lock", layout_.pgdata, logger_);
  return std::nullopt;
}

core::Result<pid_t> EmbeddedCluster::Launch() {
  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  const std::string ping_dsn = SuperuserDsn("postgres") + " connect_timeout=2";
  auto delay = std::chrono::milliseconds(200);
  std::string last_failure = "it did not answer";
  while (std::chrono::steady_clock::now() < deadline) {
    ChildSpec spec;
    spec.argv = {options_.pg_bin_dir + "/postgres", "-D", layout_.pgdata};
    spec.env = ChildEnvironment();
    spec.run_as = user_;
    spec.output_path = StartupLogPath();
    spec.new_process_group = true;
    auto pid = SpawnChild(spec);
    if (!pid) return core::Unexpected(pid.error());
    {
      std::lock_guard lock(mutex_);
      pid_ = *pid;
    }
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(*pid, &status, WNOHANG) == *pid) {
        last_failure = "it exited (" + DescribeStatus(status) + ")";
        std::lock_guard lock(mutex_);
        pid_ = 0;
        break;
      }
      if (PQping(ping_dsn.c_str()) == PQPING_OK) {
        running_ = true;
        return *pid;
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, kPollInterval, [this] { return stop_requested_; })) {
        lock.unlock();
        StopChild(*pid, std::chrono::seconds(5), logger_);
        lock.lock();
        pid_ = 0;
        return core::Fail(core::ErrorCode::kUnavailable, "stopped while PostgreSQL was starting");
      }
    }
    std::unique_lock lock(mutex_);
    if (pid_ != 0) {  // still running, never answered: give up on it
      lock.unlock();
      StopChild(*pid, std::chrono::seconds(5), logger_);
      lock.lock();
      pid_ = 0;
      break;
    }
    if (wake_.wait_for(lock, delay, [this] { return stop_requested_; })) break;
    delay = std::min(delay * 2, std::chrono::milliseconds(2000));
  }
  return core::Fail(core::ErrorCode::kUnavailable,
                    "PostgreSQL did not start within " +
                        std::to_string(options_.start_timeout.count()) + " s (" + last_failure +
                        "); see " + StartupLogPath() + " and " + layout_.log_dir +
                        "/postgresql-*.log");
}

void EmbeddedCluster::Supervise() {
  auto delay = std::chrono::milliseconds(kFirstRestartDelay);
  auto started = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, kPollInterval, [this] { return stop_requested_; })) return;
    const pid_t pid = pid_;
    if (pid != 0) {
      int status = 0;
      const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
      // ECHILD: someone set SIGCHLD to SIG_IGN and the kernel reaped it for
      // us; /proc still tells whether it is alive.
      const bool gone = reaped == pid || (reaped < 0 && errno == ECHILD && !ProcessAlive(pid));
      if (!gone) continue;
      pid_ = 0;
      running_ = false;
      logger_.Error("embedded PostgreSQL exited unexpectedly; restarting it",
                    {{"pid", static_cast<int>(pid)}, {"status", DescribeStatus(status)},
                     {"log_dir", layout_.log_dir}});
      if (std::chrono::steady_clock::now() - started > kHealthyRun) delay = kFirstRestartDelay;
    }
    if (wake_.wait_for(lock, delay, [this] { return stop_requested_; })) return;
    lock.unlock();
    auto launched = Launch();
    lock.lock();
    if (launched) {
      ++restarts_;
      started = std::chrono::steady_clock::now();
      // A postmaster that keeps dying soon after start waits longer each time.
      delay = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(delay * 2),
                       std::chrono::duration_cast<std::chrono::milliseconds>(kMaxRestartDelay));
      logger_.Info("embedded PostgreSQL restarted", {{"pid", static_cast<int>(*launched)}});
    } else {
      logger_.Error("cannot restart embedded PostgreSQL", {{"error", launched.error().message}});
      delay = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(delay * 2),
                       std::chrono::duration_cast<std::chrono::milliseconds>(kMaxRestartDelay));
    }
  }
}

core::Result<void> EmbeddedCluster::Stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  pid_t pid;
  {
    std::lock_guard lock(mutex_);
    pid = pid_;
    pid_ = 0;
  }
  running_ = false;
  if (pid != 0) {
    logger_.Info("stopping embedded PostgreSQL", {{"pid", static_cast<int>(pid)}});
    StopChild(pid, std::chrono::duration_cast<std::chrono::milliseconds>(options_.stop_timeout),
              logger_);
  }
  return {};
}

}  // namespace citadel::db
